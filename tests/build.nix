# Builds a Go module with buildGoApplication and the host toolchain; the
# integration tests call it with --arg src /path and any other
# buildGoApplication argument (--arg subPackages '[…]', --arg tags '[…]', …).
{ src, ... }@args:

let
  # build/planner holds the static planner (make plugin builds it), for
  # mode = "ifd".
  gograph = import ../nixexpr (import ../build/host-toolchain.nix // {
    planner = builtins.path { path = ../build/planner; name = "gograph-planner"; };
  });
in
gograph.buildGoApplication ({ pname = "app"; version = "0"; } // args)
