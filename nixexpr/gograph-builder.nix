# The builder every per-package derivation runs: gobridge/cmd/gograph-builder,
# compiled from this repository's source with the given Go toolchain.
{ go, busybox, system ? builtins.currentSystem }:

let
  root = ../.;
  # Only what the builder's packages need, so edits elsewhere in the
  # repository do not rebuild it (and every package derivation with it). The
  # builder imports only the standard library, so it gets a go.mod of its own
  # below rather than the repository's, whose requirements change with the
  # plugin's dependencies.
  packageDirs = [ "gobridge/action" "gobridge/builder" "gobridge/cmd/gograph-builder" ];
  parentDirs = [ "gobridge" "gobridge/cmd" ];
  relative = path: builtins.substring (builtins.stringLength (toString root) + 1) (-1) (toString path);
  isGoSource = rel: builtins.match ".*\\.go" rel != null && builtins.match ".*_test\\.go" rel == null;
  isWanted = path: type:
    let rel = relative path; in
    if type == "directory" then builtins.elem rel (packageDirs ++ parentDirs)
    else builtins.elem (dirOf rel) packageDirs && isGoSource rel;
  src = builtins.path { path = root; name = "gograph-builder-src"; filter = isWanted; };
in
# offline-go-env.nix: CGO_ENABLED, GOTOOLCHAIN, GOFLAGS, GOPROXY, GOWORK, GOENV.
derivation (import ./offline-go-env.nix // {
  name = "gograph-builder";
  inherit system;
  builder = "${busybox}/bin/sh";
  args = [ "-c" ''
    export GOCACHE=$TMPDIR/go-cache GOPATH=$TMPDIR/go HOME=$TMPDIR
    cp -r ${src} $TMPDIR/src && chmod -R u+w $TMPDIR/src
    printf 'module github.com/nix-gograph/nix-gograph\n\ngo 1.22\n' > $TMPDIR/src/go.mod
    exec ${go}/bin/go -C $TMPDIR/src build -trimpath -buildvcs=false -ldflags=-buildid= \
      -o $out/bin/gograph-builder ./gobridge/cmd/gograph-builder
  '' ];
})
