# passthru.devShell: `nix-shell -A devShell` of the module-with-dependencies
# fixture (a test importing github.com/google/uuid added) runs `go test`,
# `go vet` and `go build` with no network at all (unshare -n) and a hostile
# caller environment (an unreachable GOPROXY, GOFLAGS=-mod=readonly), in
# modes plugin and ifd; the module cache is read-only, holds exactly go.sum's
# modules and is left as it was; --pure keeps the toolchain on PATH. With
# cgo the shell has the C compiler and the buildInputs' directories. On Nix
# 2.34, `nix develop` gives the same shell when the library has a bash (a
# static bash added to the store: Debian's bash-static), and without one
# fails saying it needs a bash builder.
. tests/lib.sh

command -v unshare > /dev/null || fail "unshare (util-linux) is missing"
src=$TMP/deps
cp -r tests/fixtures/deps "$src"
cat > "$src/main_test.go" <<'EOF'
package main

import (
	"testing"

	"github.com/google/uuid"
)

func TestVersion(t *testing.T) {
	if v := uuid.NewSHA1(uuid.NameSpaceURL, []byte("x")).Version(); v != 5 {
		t.Fatalf("version %d", v)
	}
}
EOF

# The library with, if given, a bash for the dev shell's builder.
cat > "$TMP/shell.nix" <<EOF
{ src, bash ? null, args ? { } }:
let
  toolchain = import $ROOT/build/host-toolchain.nix;
  gograph = import $ROOT/nixexpr (toolchain // {
    planner = builtins.path { path = $ROOT/build/planner; name = "gograph-planner"; };
    pkgConfig = toolchain.cc; # scripts/host-cc.sh adds bin/pkg-config
  } // (if bash == null then { } else { bash = builtins.storePath bash; }));
in
gograph.buildGoApplication ({ pname = "deps"; version = "0"; inherit src; } // args)
EOF

# in_shell MODE CMD [NIX-SHELL ARGS…]: CMD in the dev shell of $src, mode
# plugin or ifd, without network; the caller's Go settings point nowhere.
in_shell() {
  local mode=$1 cmd=$2 with=(); shift 2
  [ "$mode" = plugin ] && with=(--plugin-files "$PLUGIN")
  (cd "$src" && GOPROXY=https://127.0.0.1:9 GOFLAGS=-mod=readonly GOSUMDB=sum.golang.org HOME=$TMP/home \
    NIX_BUILD_SHELL=$(command -v bash) unshare -n \
    nix-shell "${with[@]}" "$TMP/shell.nix" --arg src "$src" -A devShell "$@" --run "$cmd") \
    > "$TMP/shell.log" 2>&1 || { cat "$TMP/shell.log" >&2; return 1; }
}

# The modules are fetched the first time, with the network: by the
# plugin's planning, and in mode ifd by the fixed-output derivations the
# shell's module cache is made of (entering the shell once builds them).
HOME=$TMP/home nix-instantiate --plugin-files "$PLUGIN" "$TMP/shell.nix" --arg src "$src" -A devShell > /dev/null 2> "$TMP/eval.log" ||
  { cat "$TMP/eval.log" >&2; fail "nix-instantiate -A devShell failed"; }
(cd "$src" && HOME=$TMP/home NIX_BUILD_SHELL=$(command -v bash) nix-shell "$TMP/shell.nix" --arg src "$src" -A devShell --run true) \
  > "$TMP/fetch.log" 2>&1 || { cat "$TMP/fetch.log" >&2; fail "mode ifd: entering the dev shell with the network failed"; }
mods=$(grep -v '/go.mod ' "$src/go.sum" | cut -d' ' -f1-2 | sort -u | tr ' ' @)
for mode in plugin ifd; do
  in_shell $mode '
    set -e
    go test -count=1 ./...
    go vet ./...
    go build -o "$TMPDIR/deps" . && "$TMPDIR/deps"
    echo "GOMODCACHE=$GOMODCACHE"
    echo "GOFLAGS=$GOFLAGS GOPROXY=$GOPROXY GOTOOLCHAIN=$GOTOOLCHAIN"
    echo "go=$(command -v go)"
    cd "$GOMODCACHE" && find . -path ./cache -prune -o -name "*@*" -print | sed "s|^\./|module |" | sort
  ' || fail "mode $mode: go test/vet/build in the dev shell failed"
  grep -q '^ok[[:space:]]*example.com/deps' "$TMP/shell.log" || { cat "$TMP/shell.log"; fail "mode $mode: go test did not pass"; }
  grep -q '^uuid .* version VERSION_5' "$TMP/shell.log" || { cat "$TMP/shell.log"; fail "mode $mode: the program did not run"; }
  grep -q '^GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local$' "$TMP/shell.log" || { cat "$TMP/shell.log"; fail "mode $mode: the Go settings are not the shell's"; }
  grep -q "^go=$GOROOT_STORE/bin/go$" "$TMP/shell.log" || { cat "$TMP/shell.log"; fail "mode $mode: go is not the build's toolchain"; }
  grep -q "^GOMODCACHE=/nix/store/[a-z0-9]*-deps-0-gomodcache$" "$TMP/shell.log" || { cat "$TMP/shell.log"; fail "mode $mode: GOMODCACHE is not a store path"; }
  [ "$(sed -n 's/^module //p' "$TMP/shell.log")" = "$mods" ] || { cat "$TMP/shell.log"; fail "mode $mode: the module cache does not hold exactly go.sum's modules ($mods)"; }
  say "ok: mode $mode: nix-shell -A devShell ran go test, vet and build offline on exactly $mods (a store path)"
done

# --pure: PATH is the toolchain's (and nix-shell's bash's directory).
in_shell ifd 'echo "PATH=$PATH"' --pure || fail "nix-shell --pure failed"
path=$(sed -n 's/^PATH=//p' "$TMP/shell.log")
[ "$(tr : '\n' <<< "$path" | grep -vx "$(dirname "$(command -v bash)")")" = "$GOROOT_STORE/bin" ] ||
  { cat "$TMP/shell.log"; fail "nix-shell --pure: PATH is not the toolchain's"; }
say "ok: nix-shell --pure: PATH is the toolchain's ($path)"

# cgo: the C compiler, pkg-config and the C library of buildInputs as the
# plugin shows them: go build of the zlib fixture (#cgo pkg-config: zlib) in
# the shell gives the plugin's binary.
zlib=$(nix-build --no-out-link "$ROOT/tests/clibs.nix" -A zlib 2> "$TMP/clibs.log") ||
  { cat "$TMP/clibs.log" >&2; fail "zlib (tests/clibs.nix) did not build"; }
cp -r tests/fixtures/zlib "$TMP/zlib"
src=$TMP/zlib
args="{ env.CGO_ENABLED = 1; buildInputs = [ (builtins.storePath $zlib) ]; }"
app=$(nix-build --plugin-files "$PLUGIN" --no-out-link "$TMP/shell.nix" --arg src "$src" --arg args "$args" 2> "$TMP/app.log") ||
  { cat "$TMP/app.log" >&2; fail "the zlib fixture did not build"; }
in_shell plugin 'go env CGO_ENABLED CC; echo "CPATH=$CPATH LIBRARY_PATH=$LIBRARY_PATH PKG_CONFIG_LIBDIR=$PKG_CONFIG_LIBDIR PKG_CONFIG=$PKG_CONFIG"
  go build -trimpath -buildvcs=false -ldflags=-buildid= -o "$TMPDIR/zlib" . && sha256sum "$TMPDIR/zlib"' --arg args "$args" ||
  fail "the zlib fixture's dev shell failed"
cc=$(sed -n 's/.*cc = builtins.storePath "\(.*\)";/\1/p' build/host-toolchain.nix)
grep -qx 1 "$TMP/shell.log" && grep -qx "$cc/bin/cc" "$TMP/shell.log" &&
  grep -qx "CPATH=$zlib/include LIBRARY_PATH=$zlib/lib PKG_CONFIG_LIBDIR=$zlib/lib/pkgconfig:$zlib/share/pkgconfig PKG_CONFIG=$cc/bin/pkg-config" "$TMP/shell.log" ||
  { cat "$TMP/shell.log"; fail "cgo dev shell: CGO_ENABLED, CC or the C library's variables are wrong"; }
grep -q "^$(sha "$app/bin/zlib") " "$TMP/shell.log" ||
  { cat "$TMP/shell.log"; fail "go build of the zlib fixture in the dev shell differs from the plugin's bin/zlib ($(sha "$app/bin/zlib"))"; }
say "ok: cgo dev shell: CGO_ENABLED=1, CC, pkg-config and zlib's variables; its go build of the zlib fixture equals the plugin's binary"
src=$TMP/deps

case $(nix --version) in *" 2.3"[4-9]*) ;; *) exit 0 ;; esac

# nix develop runs the builder with its get-env.sh, a bash script: without
# a bash the dev shell's builder is busybox's sh, which Nix refuses by name.
rc=0
(cd "$src" && nix develop --file "$TMP/shell.nix" devShell --arg src "$src" --command true) > "$TMP/develop.log" 2>&1 || rc=$?
[ $rc != 0 ] && grep -q "only works on derivations that use 'bash' as their builder" "$TMP/develop.log" ||
  { cat "$TMP/develop.log"; fail "nix develop without a bash: expected Nix's error naming the bash builder"; }
say "ok: nix develop without the library's bash fails naming the bash builder it needs"

static_bash=${GOGRAPH_STATIC_BASH:-/usr/bin/bash-static}
[ -x "$static_bash" ] || fail "nix develop needs a static bash for the dev shell's builder: $static_bash is missing (apt-get install bash-static)"
mkdir -p "$TMP/bash-static/bin"
cp "$static_bash" "$TMP/bash-static/bin/bash"
bash_store=$(nix-store --add "$TMP/bash-static")
(cd "$src" && GOPROXY=https://127.0.0.1:9 GOFLAGS=-mod=readonly HOME=$TMP/home unshare -n \
  nix develop --file "$TMP/shell.nix" devShell --arg src "$src" --argstr bash "$bash_store" \
  --command bash -c 'set -e; go test -count=1 ./...; echo "GOFLAGS=$GOFLAGS GOPROXY=$GOPROXY"; echo "go=$(command -v go)"') \
  > "$TMP/develop.log" 2>&1 || { cat "$TMP/develop.log"; fail "nix develop: go test failed"; }
grep -q '^ok[[:space:]]*example.com/deps' "$TMP/develop.log" && grep -q '^GOFLAGS=-mod=mod GOPROXY=off$' "$TMP/develop.log" &&
  grep -q "^go=$GOROOT_STORE/bin/go$" "$TMP/develop.log" || { cat "$TMP/develop.log"; fail "nix develop: not the dev shell"; }
say "ok: nix develop (builder: a static bash in the store) ran go test offline with the build's toolchain and modules"
