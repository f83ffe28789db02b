# The planning derivation of the modes without the plugin: the planner
# command (`gograph plan-units`) with the module's source, the toolchain and
# the third-party modules (modules.nix) as inputs; its output is the
# description of the build as JSON (graph.Description, which units.nix
# resolves). Returns { drv; request; requestAttrs; srcStore; moduleDirs; }
# (mode "monolithic" sends requestAttrs to `gograph go-build`).
{ planner, cacert ? null, system ? builtins.currentSystem }:

{ src, go, builder ? null, lockFile, mode
, workspace ? false
, subPackages, excludedPackages, tags, ldflags, gcflags, asmflags
, goos ? "", goarch ? "", cgo, cc ? null, tests
, buildInputs ? [ ], pkgConfig ? null, goEnv ? { }
, contentAddressed ? false
}:

let
  plain = builtins.unsafeDiscardStringContext;
  moduleSources = import ./modules.nix { inherit planner cacert system; } { inherit src lockFile mode workspace; };

  # The module's files, without version-control metadata or result links.
  srcStore = if builtins.isPath src then builtins.path {
    path = src;
    name = "source";
    filter = p: type: !(builtins.elem (baseNameOf p) [ ".git" ".hg" ".svn" ]) && type != "symlink";
  } else src;

  storeInput = path: { inherit path; inputDrvs = [ ]; inputSrcs = [ ]; };
  requestAttrs = {
    src = "${srcStore}";
    inherit subPackages excludedPackages tags ldflags gcflags asmflags goos goarch cgo tests system;
    go = storeInput "${go}";
    modules = map (m: { inherit (m) path version; goMod = if m.goMod == null then null else "${m.goMod}"; dir = if m.dir == null then null else "${m.dir}"; }
      // (if m.zipSum == null then { } else { h1 = m.zipSum; }))
      (builtins.attrValues moduleSources);
  }
  // (if workspace then { inherit workspace; } else { })
  // (if builder == null then { } else { builder = storeInput (plain builder); })
  // (if cgo then { cc = storeInput "${cc}"; } else { })
  // (if buildInputs == [ ] then { } else { buildInputs = map (p: storeInput "${p}") buildInputs; })
  // (if cgo && pkgConfig != null then { pkgConfig = storeInput "${pkgConfig}"; } else { })
  // (if goEnv == { } then { } else { inherit goEnv; })
  // (if contentAddressed then { inherit contentAddressed; } else { });
  request = builtins.toJSON requestAttrs;
in
{
  inherit request requestAttrs srcStore;
  drv = derivation {
    name = "gograph-plan.json";
    inherit system request;
    passAsFile = [ "request" ];
    builder = "${planner}/bin/gograph";
    args = [ "plan-units" "env:requestPath" (builtins.placeholder "out") ];
  };
  moduleDirs = builtins.mapAttrs (_: m: m.dir)
    (builtins.removeAttrs moduleSources (builtins.filter (k: moduleSources.${k}.dir == null) (builtins.attrNames moduleSources)));
}
