# Helpers for the integration tests (sourced). Each test is a bash script in
# tests/integration/ run from the repository root by tests/run.sh.
set -euo pipefail
. tests/nix-env.sh

ROOT=$PWD
PLUGIN=${NIX_GOGRAPH_PLUGIN:-$ROOT/build/libnix-gograph.so}
GOROOT_STORE=$(grep -o '/nix/store/[^"]*-go-[^"]*' build/host-toolchain.nix)
TMP=$(mktemp -d /tmp/gograph-test.XXXXXX)
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT

say() { echo "  $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# gg_build ARGS…: nix-build tests/build.nix with the plugin; prints the out
# path; the build log goes to $TMP/build.log.
gg_build() {
  nix-build --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" "$@" 2> "$TMP/build.log" ||
    { cat "$TMP/build.log" >&2; return 1; }
}

# built_count: how many derivations the last gg_build built.
built_count() { grep -c "^building '/nix/store/" "$TMP/build.log" || true; }

# built_names: the names of the derivations the last gg_build built.
built_names() { sed -n "s|^building '/nix/store/[a-z0-9]*-\(.*\)\.drv'.*|\1|p" "$TMP/build.log" | sort; }

# go_env VAR=VALUE… CMD…: CMD with the test toolchain first in PATH, private
# caches, the module proxy reachable and nothing else from the environment.
go_env() {
  env -i PATH="$GOROOT_STORE/bin" HOME="$TMP/home" GOCACHE="$TMP/gocache-ref" GOMODCACHE="$TMP/gomodcache-ref" \
    GOPROXY="${GOPROXY:-https://proxy.golang.org}" SSL_CERT_FILE="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" \
    GOTOOLCHAIN=local "$@"
}

# go_build_ref DIR OUT [FLAGS…]: the reference binary, plain `go build` of
# DIR with the same toolchain and the test's own module cache.
go_build_ref() {
  local dir=$1 out=$2; shift 2
  (cd "$dir" && go_env GOFLAGS=-mod=readonly CGO_ENABLED=0 \
    go build -trimpath -buildvcs=false -ldflags=-buildid= "$@" -o "$out" .) 2> "$TMP/go-build-ref.log" ||
    { cat "$TMP/go-build-ref.log" >&2; return 1; }
}

# go_in DIR ARGS…: the go command in DIR (for preparing fixtures).
go_in() {
  local dir=$1; shift
  (cd "$dir" && go_env GOFLAGS=-mod=mod go "$@")
}

# expect_eval_error EXPR PATTERN: evaluating EXPR with the plugin fails with a
# Nix error (exit 1, not a crash) whose message matches PATTERN.
expect_eval_error() {
  local expr=$1 pattern=$2 rc=0
  nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval --strict -E "$expr" > "$TMP/err.log" 2>&1 || rc=$?
  [ "$rc" = 1 ] || { cat "$TMP/err.log" >&2; fail "expected exit 1 for: $expr (got $rc)"; }
  grep -Eq -- "$pattern" "$TMP/err.log" || { cat "$TMP/err.log" >&2; fail "error for: $expr does not match /$pattern/"; }
  say "ok: error /$pattern/"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# multi_leaf_rebuilt: the derivations of tests/fixtures/multi an edit of
# internal/leaf must rebuild: the leaf, its five importers and the link.
multi_leaf_rebuilt() {
  printf '%s\n' go-example.com-multi go-example.com-multi-internal-app go-example.com-multi-internal-base \
    go-example.com-multi-internal-leaf go-example.com-multi-internal-left go-example.com-multi-internal-right multi-link
}

# with_dynamic CMD…: CMD with the experimental features mode dynamic (RFC 92)
# needs (Nix 2.34).
with_dynamic() {
  NIX_CONFIG="$NIX_CONFIG"$'\n'"extra-experimental-features = dynamic-derivations ca-derivations recursive-nix" "$@"
}

# with_go GOROOT CMD…: CMD (go_env, go_build_ref, go_in, or a function
# calling them) with the toolchain GOROOT (a store path, e.g. from
# scripts/proxy-toolchain.sh) instead of the host's, $GOROOT_STORE.
with_go() { local GOROOT_STORE=$1; shift; "$@"; }
