# Builds a Go module with buildGoApplication and the host toolchain; the
# integration tests call it with --arg src /path [--arg subPackages [...]].
{ src
, pname ? "app"
, subPackages ? [ "." ]
, ldflags ? [ ]
}:

let
  gograph = import ../nixexpr (import ../build/host-toolchain.nix);
in
gograph.buildGoApplication {
  inherit pname src subPackages ldflags;
  version = "0";
}
