# nix-gograph's Nix library.
#
#   gograph = import ./nixexpr { go = <Go toolchain root>; busybox = <static busybox>; };
#   gograph.buildGoApplication { pname = "hello"; version = "1.0"; src = ./.; }
#
# `go` is the default toolchain (a store path or derivation whose bin/go is
# Go); `busybox` a static busybox with bin/sh, used by the few derivations
# that need a shell. Needs the nix-gograph plugin (builtins.goPackageGraph).
{ go, busybox }:

let
  gographBuilder = import ./gograph-builder.nix { inherit go busybox; };
in
{
  inherit gographBuilder;
  buildGoApplication = import ./build-go-application.nix { defaultGo = go; inherit busybox gographBuilder; };
}
