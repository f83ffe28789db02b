# Every supported Go release (issue 12). For the latest patch release of Go
# 1.22 through 1.27 on the module proxy (scripts/proxy-toolchain.sh), the
# fixtures hello, multi, deps, cgo, zlib (pkg-config and a C library in
# buildInputs: tests/clibs.nix), features (go:embed, assembly, -X ldflags,
# cross to linux/arm64), tested (whose tests run: doCheck) and workspace
# (go.work of three modules, built in the workspace) plan and build
# through the plugin with `go` set to that toolchain, and each binary equals
# THAT version's go build with the same flags. Go 1.21.13 and a fake
# go1.99.1 (tests/tools/fakego, a real static program) are evaluation errors
# naming the version and the supported range. Prints each version's wall time
# and derivation count, and the total.
#
# tests/fixtures/features says `go 1.26.0` (and needs golang.org/x/net
# v0.62.0, which says go 1.26.0 too): for older releases it is built from a copy
# in $TMP with `go 1.22` and x/net v0.30.0 (go 1.18); the fixtures are not
# edited. Nix 2.8 only: the matrix tests the planner against each toolchain,
# which is the same code under either Nix, and adds many minutes.
# GO_VERSIONS="1.26.11 1.27.4" runs a subset.
. tests/lib.sh

case $(nix --version) in
  *" 2.8."*) ;;
  *) say "skipped: the Go version matrix runs on Nix 2.8 only, this is $(nix --version)"; exit 0 ;;
esac

versions=${GO_VERSIONS:-1.22.12 1.23.12 1.24.13 1.25.14 1.26.11 1.27.4}
for f in hello multi deps cgo zlib features tested workspace; do cp -r "tests/fixtures/$f" "$TMP/$f"; done
zlib_lib=$(nix-build --no-out-link "$ROOT/tests/clibs.nix" -A zlib 2> "$TMP/clibs.log") ||
  { cat "$TMP/clibs.log" >&2; fail "zlib (tests/clibs.nix) did not build"; }
host_cc=$(grep -o '/nix/store/[^"]*-host-cc-[^"]*' build/host-toolchain.nix)

# minor 1.N.P / go line: N.
minor() { sed -n 's/^\(go \)\{0,1\}1\.\([0-9]*\).*/\2/p' <<< "$1"; }

# fixture NAME: the source of fixture NAME for toolchain $go (version $V): the
# fixture itself, or if its go line is newer than $V a copy lowered to go 1.22.
fixture() {
  local line
  line=$(grep '^go ' "$TMP/$1/go.mod")
  if [ "$(minor "$line")" -le "$(minor "$V")" ]; then echo "$TMP/$1"; return; fi
  [ "$1" = features ] || fail "fixture $1 says $line: no lowered copy for go$V"
  if [ ! -d "$TMP/features-go1.22" ]; then
    cp -r "$TMP/features" "$TMP/features-go1.22.tmp"
    with_go "$go" go_in "$TMP/features-go1.22.tmp" mod edit -go=1.22 -toolchain=none -require=golang.org/x/net@v0.30.0 &&
      rm "$TMP/features-go1.22.tmp/go.sum" &&
      with_go "$go" go_in "$TMP/features-go1.22.tmp" mod tidy > "$TMP/tidy.log" 2>&1 ||
      { cat "$TMP/tidy.log" >&2; fail "lowering features to go 1.22 failed"; }
    mv "$TMP/features-go1.22.tmp" "$TMP/features-go1.22"
  fi
  echo "$TMP/features-go1.22"
}

# same LABEL SRC "BIN=PKG…" NIX-ARGS… -- VAR=VALUE… -- GO-BUILD-FLAGS…: SRC
# built through the plugin with toolchain $go and NIX-ARGS; each bin/BIN
# equals $go's go build of PKG in SRC with VAR=VALUE… and GO-BUILD-FLAGS.
same() {
  local label=$1 src=$2 bins=$3; shift 3
  local nixargs=() envs=() out bin pkg
  while [ "$1" != -- ]; do nixargs+=("$1"); shift; done
  shift
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  # The reference builds run while Nix builds (its many small builds leave
  # the cores idle between them): it saves minutes over the matrix.
  (
    for bp in $bins; do
      bin=${bp%%=*} pkg=${bp#*=}
      (cd "$src" && with_go "$go" go_env GOFLAGS=-mod=readonly CGO_ENABLED=0 "${envs[@]}" \
        go build -trimpath -buildvcs=false "$@" -o "$TMP/ref-$bin" "$pkg") 2> "$TMP/ref.log" ||
        { cat "$TMP/ref.log" >&2; exit 1; }
    done
  ) &
  local refs=$!
  out=$(gg_build --arg src "$src" --arg go "builtins.storePath \"$go\"" "${nixargs[@]}") ||
    { wait "$refs" || true; fail "go$V $label: the build failed"; }
  wait "$refs" || fail "go$V $label: go build failed"
  echo $(( $(cat "$TMP/built-$V") + $(built_count) )) > "$TMP/built-$V"
  for bp in $bins; do
    bin=${bp%%=*}
    [ "$(sha "$out/bin/$bin")" = "$(sha "$TMP/ref-$bin")" ] ||
      fail "go$V $label: bin/$bin differs from go$V's go build ($(sha "$out/bin/$bin") vs $(sha "$TMP/ref-$bin"))"
  done
  say "ok: go$V $label: $(sed 's/=[^ ]*//g' <<< "$bins") bit-identical to go$V's go build"
}

# matrix: every fixture with toolchain $go (go$V); each check runs even if an
# earlier one failed.
matrix() {
  local hello multi deps cgo zlib features tested bad=()
  hello=$(fixture hello)
  multi=$(fixture multi)
  deps=$(fixture deps)
  cgo=$(fixture cgo)
  zlib=$(fixture zlib)
  features=$(fixture features)
  tested=$(fixture tested)
  check() { isolated same "$@"; [ "$rc" = 0 ] || bad+=("$1"); }
  check hello "$hello" hello=. -- -- -ldflags=-buildid=
  check multi "$multi" multi=. -- -- -ldflags=-buildid=
  check deps "$deps" deps=. -- -- -ldflags=-buildid=
  check cgo "$cgo" cgo=. --arg env '{ CGO_ENABLED = 1; }' \
    -- PATH="$go/bin:/usr/bin:/bin" CGO_ENABLED=1 CC="$(command -v gcc)" -- -ldflags=-buildid=
  check "zlib (pkg-config)" "$zlib" zlib=. --arg env '{ CGO_ENABLED = 1; }' --arg buildInputs "[ (builtins.storePath $zlib_lib) ]" \
    -- PATH="$go/bin:/usr/bin:/bin" CGO_ENABLED=1 CC="$(command -v gcc)" PKG_CONFIG="$host_cc/bin/pkg-config" \
    PKG_CONFIG_LIBDIR="$zlib_lib/lib/pkgconfig:$zlib_lib/share/pkgconfig" PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 \
    PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 CPATH="$zlib_lib/include" LIBRARY_PATH="$zlib_lib/lib" -- -ldflags=-buildid=
  check "features (embed, assembly)" "$features" "features=. other=./cmd/other" -- -- -ldflags=-buildid=
  check "features -X" "$features" features=. --arg subPackages '[ "." ]' --arg ldflags '[ "-X" "main.version=1.2.3" ]' \
    -- -- "-ldflags=-X main.version=1.2.3 -buildid="
  check "features linux/arm64" "$features" "features=. other=./cmd/other" --argstr goos linux --argstr goarch arm64 \
    -- GOOS=linux GOARCH=arm64 -- -ldflags=-buildid=
  check "tested (tests run)" "$tested" tested=. -- -- -ldflags=-buildid=
  # go.work says go 1.22: no lowered copy is needed.
  check "workspace (go.work)" "$TMP/workspace" "app1=./app1 app2=./app2/cmd/app2" -- -- -ldflags=-buildid=
  [ ${#bad[@]} = 0 ] || fail "go$V: failed: $(printf '[%s] ' "${bad[@]}")"
}

# with_toolchain VERSION CMD…: CMD with $go the store path of Go VERSION.
with_toolchain() {
  go=$(scripts/proxy-toolchain.sh "$1") || fail "go$1: scripts/proxy-toolchain.sh failed"
  shift
  "$@"
}

# isolated CMD…: CMD in a subshell with errexit on; its status in $rc, without
# ending this script. (Called as a condition, under `if` or `||`, errexit
# would be off inside CMD, even after a set -e.)
isolated() {
  set +e
  ( set -e; "$@" )
  rc=$?
  set -e
}

total_start=$(date +%s)
failed=()
for V in $versions; do
  start=$(date +%s)
  echo 0 > "$TMP/built-$V"
  isolated with_toolchain "$V" matrix
  if [ "$rc" = 0 ]; then result=ok; else result=FAILED; failed+=("go$V"); fi
  line="go$V: $result in $(( $(date +%s) - start ))s, $(cat "$TMP/built-$V") derivations built"
  echo "$line" >> "$TMP/times.txt"
  say "$line"
done
say "the matrix of ${versions// /, } took $(( $(date +%s) - total_start ))s:"
sed 's/^/    /' "$TMP/times.txt"

# Unsupported toolchains: evaluation errors naming the version and the range
# ("… go1.21.13 …, which nix-gograph does not support: it plans Go 1.22
# through 1.27"). The patterns need "go1.…" where the store paths in the
# echoed expression say "go-1.…" or "fakego".
unsupported() {
  expect_eval_error "(import $ROOT/tests/build.nix { src = $TMP/hello; go = builtins.storePath \"$go\"; }).drvPath" \
    "$(sed 's/\./\\./g' <<< "$1")[^0-9].*support.*1\.22 through 1\.27"
}
isolated with_toolchain 1.21.13 unsupported go1.21.13
[ "$rc" = 0 ] || failed+=("go1.21.13 (unsupported)")
mkdir -p "$TMP/fakego/bin"
CGO_ENABLED=0 go build -trimpath -ldflags=-buildid= -o "$TMP/fakego/bin/go" ./tests/tools/fakego || fail "building tests/tools/fakego failed"
[ "$("$TMP/fakego/bin/go" env GOVERSION)" = go1.99.1 ] || fail "tests/tools/fakego is not go1.99.1"
go=$(nix-store --add "$TMP/fakego")
isolated unsupported go1.99.1
[ "$rc" = 0 ] || failed+=("go1.99.1 (fake)")

[ ${#failed[@]} = 0 ] || fail "failed: ${failed[*]}"
