# Mode "ifd": what builtins.goPackageGraph answers, computed without the
# plugin. The planner (gobridge/cmd/gograph, a static binary in the store)
# runs in a derivation whose JSON output is imported (import from
# derivation); third-party modules come from the lock file (modules.nix).
# The planner describes the build and units.nix resolves the description
# as the plugin does, so the per-package derivations are the plugin's own
# (the same .drv paths).
{ planner, cacert ? null, system ? builtins.currentSystem }:

{ src            # the module root
, go
, builder        # gograph-builder (the path of the program)
, lockFile
, subPackages, excludedPackages, tags, ldflags, gcflags, asmflags
, goos ? "", goarch ? "", cgo, cc ? null, tests
, buildInputs ? [ ], pkgConfig ? null, goEnv ? { }
, contentAddressed ? false
, workspace ? false
}:

let
  plan = import ./plan.nix { inherit planner cacert system; } {
    inherit src go builder lockFile subPackages excludedPackages tags ldflags gcflags asmflags goos goarch cgo cc tests
      buildInputs pkgConfig goEnv contentAddressed workspace;
    mode = "ifd";
  };
  # The plan names store paths (the toolchain, modules); units.nix gives
  # each unit the context of the inputs it lists.
  parsed = builtins.fromJSON (builtins.unsafeDiscardStringContext (builtins.readFile plan.drv));
in
import ./units.nix { inherit system; } {
  plan = parsed;
  inherit src go builder buildInputs;
  cc = if cgo then cc else null;
} // { planDerivation = plan.drv; }
