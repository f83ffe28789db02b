# A Go toolchain and a static busybox for the flake's checks, made with
# nothing but Nix's builtin builders and the fetched programs themselves:
# no nixpkgs, no host paths, every download pinned by its hash, so
# `nix flake check` evaluates in pure mode.
#
#   goModule     Go's own toolchain zip, as the Go module proxy serves it to
#                `go` (golang.org/toolchain), unpacked by builtin:unpack-channel
#   xzModule     github.com/ulikunitz/xz, an xz decoder, fetched the same way
#   debExtract   flake/deb-extract (`dpkg-deb -x` in Go) built with goModule
#   busyboxDeb   Debian's busybox-static package, unpacked by debExtract
#   busybox      bin/busybox and bin/sh                      (fixed output)
#   go           goModule's GOROOT, ready to use             (fixed output)
#
# Why the detour through Go for busybox: builtin:fetchurl's `unpack` takes
# a NAR, not an archive, and builtin:unpack-channel does not read a .deb (an
# ar archive holding data.tar.xz): Nix 2.8's libarchive reads it but the
# builtin wants exactly one top-level entry (a .deb has three); Nix 2.34
# reads only tar and zip. The toolchain zip is a zip with one top-level
# directory, and cmd/distpack records file modes in it, so its programs
# come out executable.
{ system }:

let
  goVersion = "1.26.8";
  busyboxVersion = "1.35.0-4+deb12u1+b1";

  fetchurl = { name, url, sha256 }: derivation {
    inherit name url;
    builder = "builtin:fetchurl";
    system = "builtin";
    outputHashMode = "flat";
    outputHashAlgo = "sha256";
    outputHash = sha256;
    preferLocalBuild = true;
  };

  # unpackZip: a module zip's files; its one top-level directory (the first
  # element of the module path) keeps its name under $out.
  unpackZip = { name, src, topDir }: derivation {
    inherit name src;
    builder = "builtin:unpack-channel";
    system = "builtin";
    channelName = topDir;
    preferLocalBuild = true;
  };

  goModule = unpackZip {
    name = "go-${goVersion}-module";
    topDir = "golang.org";
    src = fetchurl {
      name = "go-${goVersion}-module.zip";
      url = "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go${goVersion}.linux-amd64.zip";
      sha256 = "30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7";
    };
  };
  goModuleRoot = "${goModule}/golang.org/toolchain@v0.0.1-go${goVersion}.linux-amd64";

  xzModule = unpackZip {
    name = "go-ulikunitz-xz-0.5.15";
    topDir = "github.com";
    src = fetchurl {
      name = "go-ulikunitz-xz-0.5.15.zip";
      url = "https://proxy.golang.org/github.com/ulikunitz/xz/@v/v0.5.15.zip";
      sha256 = "ca1830f9abc6c99a003ad28f2b145ea0af0c99d5769ddff08d23ce055959fd12";
    };
  };
  xzModuleDir = "${xzModule}/github.com/ulikunitz/xz@v0.5.15";

  # There is no shell yet to write a go.mod pointing at xzModule, and a
  # file made by builtins.toFile may not refer to a derivation's output: the
  # replacement's path goes in as text, and the derivation below names
  # xzModule as an input itself.
  debExtractModFile = builtins.toFile "deb-extract-go.mod" ''
    module github.com/nix-gograph/nix-gograph/flake/deb-extract

    go 1.25

    require github.com/ulikunitz/xz v0.5.15

    replace github.com/ulikunitz/xz => ${builtins.unsafeDiscardStringContext xzModuleDir}
  '';

  # The command's source, without its tests (go.mod only marks the module
  # root: -modfile replaces it).
  debExtractSrc = builtins.path {
    path = ./deb-extract;
    name = "deb-extract-src";
    filter = path: type: builtins.elem (baseNameOf path) [ "main.go" "go.mod" ];
  };

  # `go build` as the builder itself. The go command needs a writable cache
  # at an absolute path, and the build directory's is not known at
  # evaluation time: the cache (and HOME) is a second output, which nothing
  # refers to (a garbage collection removes it).
  debExtract = derivation {
    name = "deb-extract";
    inherit system;
    builder = "${goModuleRoot}/bin/go";
    args = [
      "-C" debExtractSrc
      "build" "-trimpath" "-buildvcs=false" "-modfile=${debExtractModFile}"
      "-o" "${placeholder "out"}/bin/deb-extract" "."
    ];
    outputs = [ "out" "gocache" ];
    HOME = placeholder "gocache";
    GOCACHE = "${placeholder "gocache"}/go-build";
    xz = xzModuleDir;
    CGO_ENABLED = "0";
    GOTOOLCHAIN = "local";
    GOPROXY = "off";
    GOWORK = "off";
  };

  busyboxDeb = derivation {
    name = "busybox-static-${busyboxVersion}-deb";
    inherit system;
    builder = "${debExtract}/bin/deb-extract";
    args = [
      (fetchurl {
        name = "busybox-static-${busyboxVersion}.deb";
        url = "http://deb.debian.org/debian/pool/main/b/busybox/busybox-static_1.35.0-4%2bdeb12u1%2bb1_amd64.deb";
        sha256 = "3d3fdbe91d4660c873e14b092c213fe81c1da6362daa236eb25d0171eb108744";
      })
      (placeholder "out")
    ];
  };

  # As scripts/host-toolchain.sh lays out the host's busybox (the same
  # Debian build): the same name and content give the same store path.
  busybox = derivation {
    name = "busybox-static";
    inherit system;
    builder = "${busyboxDeb}/bin/busybox";
    args = [ "sh" "-c" ''
      set -e
      mkdir -p $out/bin
      cp ${busyboxDeb}/bin/busybox $out/bin/busybox
      ln -s busybox $out/bin/sh
    '' ];
    outputHashMode = "recursive";
    outputHashAlgo = "sha256";
    outputHash = "0m54h46i7lwk20d2vihhq0fq7ns5ypg44viy8bxxnfqpz3y9a10x";
  };

  # What `go` does to a toolchain it downloads (cmd/go/internal/toolchain):
  # module zips may not hold go.mod files below the root, so the zip has
  # src/_go.mod, src/cmd/_go.mod, …; each is copied back to go.mod, making
  # this GOROOT the one `go` would install (builds of programs do not read
  # them; `go` run inside GOROOT/src does: they declare the std and cmd
  # modules). The execute bits `go` would also restore are already there.
  go = derivation {
    name = "go-${goVersion}";
    inherit system;
    builder = "${busybox}/bin/sh";
    args = [ "-c" ''
      set -e
      cp -r ${goModuleRoot} $out
      chmod -R u+w $out
      find $out -name _go.mod | while read -r f; do cp "$f" "''${f%_go.mod}go.mod"; done
    '' ];
    outputHashMode = "recursive";
    outputHashAlgo = "sha256";
    outputHash = "1fv52nk3s7nc7j0wbl8ayvg8az0fyi4mw3wlim7lxkln3jqaf14c";
  };
in
{
  inherit go busybox debExtract fetchurl;
}
