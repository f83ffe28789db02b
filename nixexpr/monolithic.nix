# Mode "monolithic": the whole program in one derivation running plain
# `go build` (gobridge/gobuild via `gograph go-build`), with the same flags
# and the same third-party module store paths as the other modes (from the
# lock file, modules.nix), so the same binaries. `checkpoint` starts from
# the build cache a prepareCheckpointBuild left; `saveCheckpoint` keeps this
# build's cache in $out/checkpoint (checkpoint.nix).
{ planner, cacert ? null, system ? builtins.currentSystem }:

{ src, go, lockFile
, subPackages, excludedPackages, tags, ldflags, gcflags, asmflags
, goos ? "", goarch ? "", cgo, cc ? null
, pname, version, allowGoReference
, checkpoint ? null, saveCheckpoint ? false
}:

let
  plan = import ./plan.nix { inherit planner cacert system; } {
    inherit src go lockFile subPackages excludedPackages tags ldflags gcflags asmflags goos goarch cgo cc;
    tests = false;
    mode = "monolithic";
  };
in
derivation {
  name = "${pname}-${version}" + (if saveCheckpoint then "-checkpoint" else "");
  inherit system;
  builder = "${planner}/bin/gograph";
  args = [ "go-build" "env:requestPath" ];
  request = builtins.toJSON (plan.requestAttrs // {
    out = builtins.placeholder "out";
    checkpoint = if checkpoint == null then "" else "${checkpoint}";
    inherit saveCheckpoint;
  });
  passAsFile = [ "request" ];
  # A checkpoint's build cache may name the toolchain.
  disallowedReferences = if allowGoReference || saveCheckpoint then [ ] else [ go ];
}
