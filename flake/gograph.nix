# The gograph command (gobridge/cmd/gograph: `gograph lock`, the planner
# of the modes without the plugin) built by the flake's own
# buildGoApplication, in mode "plugin", with the toolchain of
# toolchain.nix. Its third-party modules are go.sum's: the plugin fetches
# them from the Go module proxy at evaluation time and checks them against
# go.sum. cgo is off, so the command is static.
#
#   nix --option plugin-files /path/to/libnix-gograph.so run .#gograph -- lock DIR
#
# Without the plugin the package still has a name and a description (`nix
# flake show` lists it); building it fails naming the option.
{ self, toolchain, system }:

let
  inherit (builtins) stringLength substring;

  pname = "gograph";
  version = "dev";
  meta = {
    description = "nix-gograph's planner command: gograph lock DIR writes the lock file of the modes without the plugin";
    mainProgram = "gograph";
  };

  hasPrefix = prefix: s: substring 0 (stringLength prefix) s == prefix;
  hasSuffix = suffix: s:
    stringLength s >= stringLength suffix
    && substring (stringLength s - stringLength suffix) (stringLength suffix) s == suffix;

  # What `go build ./gobridge/cmd/gograph` reads: go.mod, go.sum and the
  # Go files of gobridge/ (no tests, no testdata), so editing anything else
  # in the repository leaves the source, and so the package, unchanged.
  root = toString ../.;
  relative = path:
    let p = toString path; in substring (stringLength root + 1) (stringLength p) p;
  goSource = rel: type:
    if type == "directory" then (rel == "gobridge" || hasPrefix "gobridge/" rel) && baseNameOf rel != "testdata"
    else if type == "regular" then rel == "go.mod" || rel == "go.sum"
      || (hasPrefix "gobridge/" rel && hasSuffix ".go" rel && !hasSuffix "_test.go" rel)
    else false;
  src = builtins.path {
    name = "nix-gograph-gograph-src";
    path = ../.;
    filter = path: type: goSource (relative path) type;
  };

  gograph = self.lib.buildGoApplication {
    inherit (toolchain) go busybox;
    inherit system pname version src meta;
    subPackages = [ "gobridge/cmd/gograph" ];
    doCheck = false; # the tests need their testdata and a Nix: tests/
    mode = "plugin";
  };

  # Evaluates to a name without the plugin; instantiating it is the error.
  needsPlugin = derivation {
    name = "${pname}-${version}";
    inherit system;
    builder = throw "the gograph package and app of nix-gograph's flake build through the plugin: nix --option plugin-files /path/to/libnix-gograph.so run .#gograph";
  } // { inherit meta; };
in
if builtins ? goPackageGraph then gograph else needsPlugin
