# Builds a Go module with buildGoApplication and the host toolchain; the
# integration tests call it with --arg src /path and any other
# buildGoApplication argument (--arg subPackages '[…]', --arg tags '[…]', …).
{ src, ... }@args:

let
  gograph = import ../nixexpr (import ../build/host-toolchain.nix);
in
gograph.buildGoApplication ({ pname = "app"; version = "0"; } // args)
