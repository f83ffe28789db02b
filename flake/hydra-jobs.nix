# The flake's Hydra jobs, named as Hydra names them (job, then system):
#
#   hydraJobs.<fixture>.x86_64-linux        the fixtures of tests/fixtures
#                                           this flake's toolchain builds:
#                                           not cgo, zlib and sqlite (no C
#                                           compiler), not features and
#                                           tested (modules but no
#                                           gograph.lock)
#   hydraJobs.checks.<check>.x86_64-linux   the flake's checks (checks.nix)
#
# The fixtures are built by lib.buildGoApplication in its default mode:
# "plugin" when the evaluator has the plugin (plugin-files in its nix.conf),
# which needs no import from derivation (Go is fetched while evaluating,
# below); else "ifd", which plans in a derivation run by the planner command
# built below, takes third-party modules from gograph.lock and needs
# allow-import-from-derivation. Both modes give the same derivations. The
# checks need the plugin.
{ self, toolchain, system }:

let
  inherit (builtins) head listToAttrs mapAttrs split;
  inherit (toolchain) busybox fetchurl;

  # toolchain.nix's Go release, fetched while evaluating rather than built:
  # the plugin runs `go` to plan, and toolchain.nix's go is a derivation's
  # output it would have to build first, which is import from derivation,
  # refused where it is disallowed (`nix flake check` evaluates hydraJobs
  # so, as hydra.nixos.org does). The same toolchain zip, from the Go
  # module proxy (where the plugin fetches modules too), unpacked by
  # builtins.fetchTarball, its GOROOT copied to a store path of its own;
  # its go.mod files keep the zip's names (_go.mod): planning and builds do
  # not read them, and the binaries are toolchain.nix's go's. `system` as
  # a derivation has it (checks.nix's lib.buildGoApplication and overlay
  # read go.system).
  go = {
    outPath = builtins.path {
      name = "go-1.26.8-evaluated";
      path = builtins.fetchTarball {
        name = "go-1.26.8-module";
        url = "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go1.26.8.linux-amd64.zip";
        sha256 = "07ds2i7br8v9jvxi31588w7mpklmmh4mjkawv7m22cscz92rigzy";
      } + "/toolchain@v0.0.1-go1.26.8.linux-amd64";
      sha256 = "0fxgvndlwqdvy4xi76n96cxy7n2za3bkrmrzf3fysp1lakwyyi8f";
    };
    inherit system;
  };

  fixtures = [ "hello" "multi" "webapp" "quoting" "deps" "workspace" ];

  # A module zip from the Go module proxy, pinned by its sha256, unpacked
  # (as toolchain.nix unpacks xz); the module's directory, if go.mod
  # requires that version.
  goModLines = builtins.filter builtins.isString (split "\n" (builtins.readFile ../go.mod));
  proxyModule = { path, version, sha256 }:
    let
      quote = builtins.replaceStrings [ "." ] [ "\\." ];
      required = builtins.any
        (line: builtins.match "(require)?[[:space:]]*${quote path} ${quote version}([[:space:]].*)?" line != null)
        goModLines;
      topDir = head (split "/" path);
      name = "go-" + builtins.replaceStrings [ "/" ] [ "-" ] path + "-" + version;
      zip = fetchurl {
        name = "${name}.zip";
        url = "https://proxy.golang.org/${path}/@v/${version}.zip";
        inherit sha256;
      };
      unpacked = derivation {
        inherit name;
        src = zip;
        builder = "builtin:unpack-channel";
        system = "builtin";
        channelName = topDir;
        preferLocalBuild = true;
      };
    in
    {
      inherit path version;
      dir = if required then "${unpacked}/${path}@${version}"
        else throw "flake/hydra-jobs.nix: go.mod does not require ${path} ${version}: update the planner's modules (plannerModules)";
    };

  # What the planner imports outside the standard library, at go.mod's
  # versions (keep them in step).
  plannerModules = [
    (proxyModule {
      path = "github.com/nix-community/go-nix";
      version = "v0.0.0-20250101154619-4bdde671e0a1";
      sha256 = "51fc9c7de63cf586e59026ea32c26883ab79a3ef4940c40f254f23b44f48d0e9";
    })
    (proxyModule {
      path = "golang.org/x/mod";
      version = "v0.42.0";
      sha256 = "2770e372e42c30dd498d63bb094fe257edfad6882c611f8e0d82925feac159f3";
    })
    (proxyModule {
      path = "golang.org/x/crypto/x509roots/fallback";
      version = "v0.0.0-20261030153154-30a33513ff6d";
      sha256 = "1d89cd0d2f89441aec256fba2c3aaf0d83579f5bd2ceafa6c83f5b3698b3adcf";
    })
  ];

  # gobridge's Go files without tests or testdata.
  root = toString ../.;
  relative = path: builtins.substring (builtins.stringLength root + 1) (-1) (toString path);
  plannerSrc = builtins.path {
    name = "gograph-planner-src";
    path = ../.;
    filter = path: type:
      let rel = relative path; in
      if type == "directory" then (rel == "gobridge" || builtins.match "gobridge/.*" rel != null) && baseNameOf rel != "testdata"
      else type == "regular" && builtins.match "gobridge/.*\\.go" rel != null && builtins.match ".*_test\\.go" rel == null;
  };

  # The planner command, as `make` builds build/planner/bin/gograph, but
  # by plain `go build` (the plugin that builds the gograph package is what
  # this is for doing without): a go.mod of its own replaces each module by
  # its unpacked directory.
  # (the environment of nixexpr/offline-go-env.nix).
  planner = derivation (import ../nixexpr/offline-go-env.nix // {
    name = "gograph-planner";
    inherit system;
    builder = "${busybox}/bin/sh";
    args = [ "-c" ''
      set -e
      export GOCACHE=$TMPDIR/go-cache GOPATH=$TMPDIR/go HOME=$TMPDIR
      cp -r ${plannerSrc} $TMPDIR/src && chmod -R u+w $TMPDIR/src
      {
        printf 'module github.com/nix-gograph/nix-gograph\n\ngo 1.26.0\n\n'
        ${builtins.concatStringsSep "\n" (map (m: ''
          printf 'require %s %s\nreplace %s => %s\n' ${m.path} ${m.version} ${m.path} ${m.dir}
        '') plannerModules)}
      } > $TMPDIR/src/go.mod
      exec ${go}/bin/go -C $TMPDIR/src build -trimpath -buildvcs=false \
        -o $out/bin/gograph ./gobridge/cmd/gograph
    '' ];
  });

  # The flake's checks (checks.nix) with that Go: the same checks and
  # names, evaluating where import from derivation is refused too.
  checks = import ./checks.nix { inherit self system; toolchain = toolchain // { inherit go; }; };

  fixture = name: self.lib.buildGoApplication {
    inherit go busybox planner system;
    pname = name;
    version = "0";
    src = ../tests/fixtures + "/${name}";
  };
in
listToAttrs (map (name: { inherit name; value.${system} = fixture name; }) fixtures)
// {
  checks = mapAttrs (_: check: { ${system} = check; }) checks;
}
