# Mode "dynamic" (RFC 92 dynamic derivations; Nix 2.34 with the
# experimental features dynamic-derivations, ca-derivations and
# recursive-nix): a producer derivation plans inside its build, adds every
# per-package derivation to the store through recursive Nix (a Nix client,
# scripts/nix-client.sh, talking to the daemon socket in NIX_REMOTE), and
# outputs the program's .drv (a text-hashed output). The program is
# `builtins.outputOf producer.outPath "out"`, or on the command line
# `nix build '<producer .drv>^out^out'`.
#
# Inside, dynamic-inner.nix builds the same derivations as mode "ifd" from
# the same plan, so the binaries are the same.
{ planner, busybox, nixClient, cacert ? null, system ? builtins.currentSystem }:

{ src, go, gographBuilder, lockFile
, subPackages, excludedPackages, tags, ldflags, gcflags, asmflags
, goos ? "", goarch ? "", cgo, cc ? null, tests
, pname, version, doCheck, checkFlags, allowGoReference
  # Not yet: the C libraries would have to reach the per-package
  # derivations the producer writes (dynamic-inner.nix).
, buildInputs ? [ ], pkgConfig ? null
  # Go build settings (env.GOEXPERIMENT, …), for the planner.
, goEnv ? { }
, workspace ? false
}:

let
  builder = "${gographBuilder}/bin/gograph-builder";
  planFn = import ./plan.nix { inherit planner cacert system; };
  checked =
    if buildInputs != [ ] then throw "buildGoApplication: buildInputs is not supported in mode \"dynamic\" yet"
    else if pkgConfig != null then throw "buildGoApplication: pkgConfig is not supported in mode \"dynamic\" yet"
    else if !(builtins ? outputOf)
    then throw "buildGoApplication: mode \"dynamic\" needs a Nix with builtins.outputOf (RFC 92 dynamic derivations, e.g. Nix 2.34 with the experimental feature dynamic-derivations)"
    else true;
  plan = builtins.seq checked planFn ({
      inherit src go builder lockFile subPackages excludedPackages tags ldflags gcflags asmflags goos goarch cgo cc tests
        workspace;
      mode = "dynamic";
    } // (if goEnv == { } then { } else { inherit goEnv; }));
  # What dynamic-inner.nix needs, as store paths (with context, so they are
  # the producer's inputs).
  innerArgs = builtins.toJSON {
    src = "${plan.srcStore}";
    go = "${go}";
    gographBuilder = "${gographBuilder}";
    busybox = "${busybox}";
    cc = if cgo then "${cc}" else null;
    # Not read by dynamic-inner.nix (units.nix takes the modules' paths
    # from the plan); it keeps them inputs of the producer.
    moduleDirs = builtins.mapAttrs (_: d: "${d}") plan.moduleDirs;
    inherit pname version doCheck checkFlags allowGoReference system;
  };
  producer = derivation {
    name = "${pname}-${version}.drv";
    inherit system;
    __contentAddressed = true;
    outputHashMode = "text";
    outputHashAlgo = "sha256";
    requiredSystemFeatures = [ "recursive-nix" ];
    builder = "${busybox}/bin/sh";
    args = [ "-c" ''
      set -e
      export PATH=${nixClient}/bin:${busybox}/bin HOME=$TMPDIR
      export NIX_CONFIG="extra-experimental-features = nix-command"
      ${planner}/bin/gograph plan-units env:requestPath $TMPDIR/plan.json
      drv=$(nix-instantiate ${./.}/dynamic-inner.nix --argstr planFile $TMPDIR/plan.json --argstr argsFile $innerArgsPath)
      cp $drv $out
    '' ];
    inherit (plan) request;
    inherit innerArgs;
    passAsFile = [ "request" "innerArgs" ];
  };
  program = builtins.seq checked (builtins.outputOf producer.outPath "out");
in
{
  inherit producer;
  # A derivation around the dynamic output, so nix-build and derivation
  # inputs take it like any other.
  app = derivation {
    name = "${pname}-${version}";
    inherit system program;
    builder = "${busybox}/bin/sh";
    args = [ "-c" "cp -r $program $out" ];
  };
}
