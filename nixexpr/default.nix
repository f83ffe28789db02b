# nix-gograph's Nix library.
#
#   gograph = import ./nixexpr { go = <Go toolchain root>; busybox = <static busybox>; cc = <C toolchain>; };
#   gograph.buildGoApplication { pname = "hello"; version = "1.0"; src = ./.; }
#
# `go` is the default toolchain (a store path or derivation whose bin/go is
# Go); `busybox` a static busybox with bin/sh, used by the few derivations
# that need a shell; `cc` (optional) the default C toolchain for cgo, a
# store path or derivation with bin/cc; `planner` (for mode "ifd", without
# the plugin) a store path with bin/gograph, the static planner command;
# `cacert` (optional) a CA bundle file its module downloads trust;
# `nixClient` (mode "dynamic") a store path whose bin/nix runs in the
# sandbox (scripts/nix-client.sh); `pkgConfig` (optional) the default
# pkg-config for cgo, a store path or derivation with bin/pkg-config;
# `bash` (optional) a store path or derivation with bin/bash, the builder of
# buildGoApplication's devShell, which `nix develop` needs (nix-shell does
# not); `system` the platform the derivations build on (pure evaluation,
# as in a flake, has no builtins.currentSystem).
{ go, busybox, cc ? null, planner ? null, cacert ? null, nixClient ? null
, pkgConfig ? null, bash ? null
, system ? builtins.currentSystem
}:

let
  gographBuilder = import ./gograph-builder.nix { inherit go busybox system; };
in
import ./checkpoint.nix // {
  inherit gographBuilder;
  buildGoApplication = import ./build-go-application.nix {
    defaultGo = go;
    defaultCc = cc;
    defaultPkgConfig = pkgConfig;
    inherit cacert bash;
    nixClient = if nixClient != null then nixClient else throw
      "nix-gograph: mode \"dynamic\" needs a Nix client for recursive builds: import ./nixexpr { nixClient = <store path with bin/nix>; … } (scripts/nix-client.sh)";
    planner = if planner != null then planner else throw
      "nix-gograph: mode \"ifd\" needs the planner: import ./nixexpr { planner = <store path with bin/gograph>; … } (make builds build/planner)";
    inherit busybox gographBuilder system;
  };
}
