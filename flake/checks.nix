# The flake's checks: the standard-library-only fixtures built through the
# plugin (mode "plugin") with the pure toolchain of toolchain.nix, each
# compared with plain `go build` of the same source by the same toolchain;
# and the overlay, applied to a minimal package set, building hello.
#
# They need the plugin loaded:
#   nix --option plugin-files /path/to/libnix-gograph.so flake check
# Without it, building a check fails naming that option (listing them, as
# `nix flake show` does, needs nothing).
{ self, toolchain, system }:

let
  inherit (toolchain) go busybox;

  # Fixtures needing nothing but the standard library: the reference
  # `go build` below runs in the sandbox, offline, with no module cache
  # (cgo's needs a C toolchain, the others modules).
  fixtures = [ "hello" "multi" "webapp" ];
  fixtureSrc = name: ../tests/fixtures + "/${name}";

  withPlugin = value:
    if builtins ? goPackageGraph then value
    else throw "nix-gograph's flake checks build through the plugin: nix --option plugin-files /path/to/libnix-gograph.so flake check";

  buildFixture = buildGoApplication: name: buildGoApplication {
    pname = name;
    version = "0";
    src = fixtureSrc name;
    mode = "plugin";
  };

  # sameAsGoBuild: a derivation that builds the fixture with plain `go
  # build` and fails unless its binary is app's bin/<name>, byte for byte;
  # its output states the hash.
  sameAsGoBuild = checkName: name: app: derivation {
    name = "gograph-check-${checkName}";
    inherit system;
    builder = "${busybox}/bin/sh";
    args = [ "-c" ''
      set -e
      export PATH=${go}/bin:${busybox}/bin HOME=$TMPDIR/home GOCACHE=$TMPDIR/go-cache GOPATH=$TMPDIR/go
      cd $src
      go build -trimpath -buildvcs=false -ldflags=-buildid= -o $TMPDIR/${name} .
      want=$(sha256sum $TMPDIR/${name} | cut -d' ' -f1)
      got=$(sha256sum $app/bin/${name} | cut -d' ' -f1)
      if [ "$got" != "$want" ]; then
        echo "bin/${name}: $app has sha256 $got, go build gives $want" >&2
        exit 1
      fi
      echo "bin/${name}: sha256 $got, the same as go build -trimpath -buildvcs=false -ldflags=-buildid=" > $out
    '' ];
    src = fixtureSrc name;
    app = withPlugin app;
    GOTOOLCHAIN = "local";
    GOFLAGS = "-mod=readonly";
    GOPROXY = "off";
    CGO_ENABLED = "0";
  };

  # lib.buildGoApplication, as a user of the flake alone calls it.
  libBuild = args: self.lib.buildGoApplication ({ inherit go busybox; } // args);

  # The overlay on the smallest package set it reads.
  packageSet = { inherit go; pkgsStatic.busybox = busybox; stdenv.cc = null; };
  overlaid = packageSet // self.overlays.default overlaid packageSet;

in
builtins.listToAttrs (map
  (name: { inherit name; value = sameAsGoBuild name name (buildFixture libBuild name); })
  fixtures)
// {
  overlay = sameAsGoBuild "overlay-hello" "hello" (buildFixture overlaid.buildGoApplication "hello");
}
