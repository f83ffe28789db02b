# Builds a Go module with buildGoApplication and the host toolchain; the
# integration tests call it with --arg src /path and any other
# buildGoApplication argument (--arg subPackages '[…]', --arg tags '[…]', …).
# (nix-shell passes inNixShell, which is not one.)
{ src, ... }@args:

let
  # The host's gcc also has bin/pkg-config (scripts/host-cc.sh); build/planner
  # holds the static planner (make plugin builds it), for mode = "ifd".
  toolchain = import ../build/host-toolchain.nix;
  gograph = import ../nixexpr (toolchain // {
    planner = builtins.path { path = ../build/planner; name = "gograph-planner"; };
    pkgConfig = toolchain.cc;
  });
in
gograph.buildGoApplication ({ pname = "app"; version = "0"; } // builtins.removeAttrs args [ "inNixShell" ])
