# Mode "monolithic": the whole program in one derivation running plain
# `go build` (gobridge/gobuild via `gograph go-build`), with the same flags
# and the same third-party module store paths as the other modes (from the
# lock file, modules.nix), so the same binaries. `checkpoint` starts from
# the build cache a prepareCheckpointBuild left; `saveCheckpoint` keeps this
# build's cache in $out/checkpoint (checkpoint.nix). With doCheck, `go
# test` of the packages built runs after the build, with checkFlags, as
# buildGoModule's checkPhase runs it. With cgo, the C libraries of
# buildInputs are found as the plugin finds them (CPATH, LIBRARY_PATH,
# PKG_CONFIG_LIBDIR; gobridge/gobuild); goEnv (Go build settings such as
# GOEXPERIMENT) is go's environment.
{ planner, cacert ? null, system ? builtins.currentSystem }:

{ src, go, lockFile
, workspace ? false
, subPackages, excludedPackages, tags, ldflags, gcflags, asmflags
, goos ? "", goarch ? "", cgo, cc ? null
, buildInputs ? [ ], pkgConfig ? null, goEnv ? { }
, pname, version, allowGoReference
, doCheck ? false, checkFlags ? [ ]
, checkpoint ? null, saveCheckpoint ? false
}:

let
  plan = import ./plan.nix { inherit planner cacert system; } {
    inherit src go lockFile subPackages excludedPackages tags ldflags gcflags asmflags goos goarch cgo cc workspace;
    tests = false;
    mode = "monolithic";
  };
  storeInput = path: { inherit path; inputDrvs = [ ]; inputSrcs = [ ]; };
in
derivation {
  name = "${pname}-${version}" + (if saveCheckpoint then "-checkpoint" else "");
  inherit system;
  builder = "${planner}/bin/gograph";
  args = [ "go-build" "env:requestPath" ];
  request = builtins.toJSON (plan.requestAttrs // {
    out = builtins.placeholder "out";
    checkpoint = if checkpoint == null then "" else "${checkpoint}";
    inherit saveCheckpoint checkFlags;
    check = doCheck;
  }
  // (if buildInputs == [ ] then { } else { buildInputs = map storeInput buildInputs; })
  // (if cgo && pkgConfig != null then { pkgConfig = storeInput pkgConfig; } else { })
  // (if goEnv == { } then { } else { inherit goEnv; }));
  passAsFile = [ "request" ];
  # A checkpoint's build cache may name the toolchain.
  disallowedReferences = if allowGoReference || saveCheckpoint then [ ] else [ go ];
}
