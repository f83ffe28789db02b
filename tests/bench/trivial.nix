# tests/bench.sh's fixed cost per derivation: n trivial, independent
# derivations, new on every run (nonce). builder = "gograph": each runs the
# project's gograph-builder (as every per-package derivation does) on an
# action that writes one file; builder = "busybox": each runs the static
# busybox sh writing one file.
{ nonce, n ? 40, builder ? "gograph" }:

let
  toolchain = import ../../build/host-toolchain.nix;
  gograph = import ../../nixexpr toolchain;
  system = builtins.currentSystem;
  content = i: "${nonce} ${toString i}\n";
  gographDrv = i: derivation {
    name = "bench-trivial-gograph-${toString i}";
    inherit system;
    builder = "${gograph.gographBuilder}/bin/gograph-builder";
    passAsFile = [ "gographAction" ];
    gographAction = builtins.toJSON {
      package = "bench/trivial${toString i}";
      mode = "compile";
      steps = [
        { write = { file = "$WORK/pkg.a"; content = content i; }; }
        { install = { from = "$WORK/pkg.a"; to = "pkg.a"; }; }
      ];
    };
  };
  busyboxDrv = i: derivation {
    name = "bench-trivial-busybox-${toString i}";
    inherit system;
    builder = "${toolchain.busybox}/bin/sh";
    args = [ "-c" "echo '${content i}' > $out" ];
  };
in
builtins.genList (if builder == "gograph" then gographDrv else busyboxDrv) n
