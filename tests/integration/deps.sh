# Third-party modules with no vendorHash: go.sum is the lock. A module from
# the Go module proxy is fetched at evaluation time, verified against go.sum
# and added to the store as its own path; the binary equals go build's; a
# second evaluation with GOPROXY=off fetches nothing; bad go.sum input is a
# clear error naming the module.
. tests/lib.sh
# A fresh module index (see README), so fetches are counted from scratch.
export XDG_CACHE_HOME="$TMP/xdg-cache"

src="$TMP/deps"
cp -r tests/fixtures/deps "$src"
out=$(gg_build --arg src "$src")
grep -qx "fetching github.com/google/uuid@v1.6.0 (1/1)\(\.\.\.\)\{0,1\}" "$TMP/build.log" ||
  { cat "$TMP/build.log"; fail "the build did not say which modules it fetched"; }
grep -q '^uuid 0a7ba6ee-7060-5acc-ac41-fdb509d49ce9 version VERSION_5$' <<< "$("$out/bin/deps")" || fail "bin/deps printed the wrong thing"
go_build_ref "$src" "$TMP/deps.ref"
[ "$(sha "$out/bin/deps")" = "$(sha "$TMP/deps.ref")" ] || fail "bin/deps differs from go build's"
say "ok: bin/deps (imports github.com/google/uuid) is bit-identical to go build ($(sha "$TMP/deps.ref"))"

uuid_src=$(nix-instantiate --plugin-files "$PLUGIN" --eval --json -E \
  "(import $ROOT/tests/build.nix { src = $src; }).graph.packages.\"github.com/google/uuid\".src" 2>/dev/null | tr -d '"')
case $uuid_src in
  /nix/store/*-gomod-github.com-google-uuid-v1.6.0) say "ok: the module is its own store path ($uuid_src)" ;;
  *) fail "github.com/google/uuid's src is '$uuid_src'" ;;
esac

# No network: GOPROXY=off, and the modules come from the store.
GOPROXY=off nix-build -v --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" --arg src "$src" \
  > /dev/null 2> "$TMP/offline.log" || { cat "$TMP/offline.log"; fail "a GOPROXY=off rebuild failed"; }
grep -q "1 modules, 0 downloads, fetched: \[\]" "$TMP/offline.log" && ! grep -q "^fetching " "$TMP/offline.log" || { grep -i module "$TMP/offline.log"; fail "GOPROXY=off evaluation downloaded modules"; }
say "ok: GOPROXY=off rebuild succeeds with 0 downloads"

# One new dependency: only that module is fetched, and only the packages that
# import it, their importers and the link rebuild.
mkdir -p "$src/internal/diff"
cat > "$src/internal/diff/diff.go" <<'GO'
// Package diff is the dependency the test adds.
package diff

import "github.com/pmezard/go-difflib/difflib"

// Run makes this package new on every test run.
const Run = "RUN_TOKEN"

// Lines is a unified diff of a and b.
func Lines(a, b string) string {
	d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: []string{a + "\n"}, B: []string{b + "\n"}})
	return d
}
GO
sed -i "s/RUN_TOKEN/$(date +%s%N)/" "$src/internal/diff/diff.go"
sed -i 's|^import (|import (\n\t"example.com/deps/internal/diff"|; s|^}$|\tfmt.Print(diff.Lines("old", "new"))\n}|' "$src/main.go"
go_in "$src" get github.com/pmezard/go-difflib@v1.0.0 > /dev/null 2>&1 || fail "go get go-difflib failed"
nix-build -v --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" --arg src "$src" > "$TMP/out" 2> "$TMP/build.log" ||
  { cat "$TMP/build.log"; fail "building with a new dependency failed"; }
grep -o 'fetched: \[[^]]*\]' "$TMP/build.log" > "$TMP/fetched.txt"
[ "$(cat "$TMP/fetched.txt")" = "fetched: [github.com/pmezard/go-difflib@v1.0.0]" ] ||
  fail "a new dependency fetched $(cat "$TMP/fetched.txt")"
say "ok: adding go-difflib fetched exactly that module"
built_names > "$TMP/rebuilt.txt"
# Standard packages difflib needs may be new to this store; they are not this
# change's doing, so only non-std derivations are compared. difflib itself may
# be in the store from an earlier run.
grep -v '^go-[^.]*$' "$TMP/rebuilt.txt" > "$TMP/rebuilt-ours.txt" || true
for need in app-0 deps-link go-example.com-deps go-example.com-deps-internal-diff; do
  grep -qx "$need" "$TMP/rebuilt-ours.txt" || fail "adding a dependency did not rebuild $need"
done
while read -r name; do
  case $name in
    app-0|deps-link|go-example.com-deps|go-example.com-deps-internal-diff|go-github.com-pmezard-go-difflib-difflib) ;;
    *) fail "adding a dependency rebuilt $name" ;;
  esac
done < "$TMP/rebuilt-ours.txt"
say "ok: rebuilt only: $(tr '\n' ' ' < "$TMP/rebuilt-ours.txt")"
grep -q '^+new$' <<< "$("$(cat "$TMP/out")/bin/deps")" || fail "the new dependency is not in the binary"

# built_equal DIR NAME [GO BUILD FLAGS…]: DIR builds (without network) to
# the same bin/deps as go build.
built_equal() {
  local dir=$1 name=$2; shift 2
  local out
  out=$(GOPROXY=off gg_build --arg src "$dir") || fail "$name: the build failed"
  go_build_ref "$dir" "$TMP/$name.ref" "$@"
  [ "$(sha "$out/bin/deps")" = "$(sha "$TMP/$name.ref")" ] || fail "$name: bin/deps differs from go build's"
  say "ok: $name: bit-identical to go build ($(sha "$TMP/$name.ref"))"
}
pkg_src() { # pkg_src DIR IMPORTPATH: the store path of that package's source
  nix-instantiate --plugin-files "$PLUGIN" --eval --json -E \
    "(import $ROOT/tests/build.nix { src = $1; }).graph.packages.\"$2\".src" 2>/dev/null | tr -d '"'
}

# A committed vendor/ directory: no module is fetched (GOPROXY=off).
cp -r tests/fixtures/deps "$TMP/vendored"
go_in "$TMP/vendored" mod vendor || fail "go mod vendor failed"
built_equal "$TMP/vendored" vendor -mod=vendor

# replace with another version of the module.
cp -r tests/fixtures/deps "$TMP/replaced"
go_in "$TMP/replaced" mod edit -replace github.com/google/uuid=github.com/google/uuid@v1.5.0
go_in "$TMP/replaced" mod tidy > /dev/null 2>&1 || fail "go mod tidy failed"
GOPROXY="${GOPROXY:-https://proxy.golang.org}" gg_build --arg src "$TMP/replaced" > /dev/null || fail "replace: fetching failed"
built_equal "$TMP/replaced" replace-version
case $(pkg_src "$TMP/replaced" github.com/google/uuid) in
  *-gomod-github.com-google-uuid-v1.5.0) say "ok: the replacement v1.5.0 is what is built" ;;
  *) fail "replace: github.com/google/uuid does not come from v1.5.0" ;;
esac

# replace with a directory inside src.
cp -r tests/fixtures/deps "$TMP/local"
mkdir -p "$TMP/local/third_party"
cp -r "$TMP/gomodcache-ref/github.com/google/uuid@v1.6.0" "$TMP/local/third_party/uuid"
chmod -R u+w "$TMP/local/third_party"
go_in "$TMP/local" mod edit -replace github.com/google/uuid=./third_party/uuid
go_in "$TMP/local" mod tidy > /dev/null 2>&1 || fail "go mod tidy failed"
built_equal "$TMP/local" replace-dir
case $(pkg_src "$TMP/local" github.com/google/uuid) in
  *-github.com-google-uuid-src) say "ok: the local replacement is built from its own source path" ;;
  *) fail "replace: github.com/google/uuid does not come from ./third_party/uuid" ;;
esac

gg="import $ROOT/tests/build.nix"
# go.sum altered: the content hash no longer matches what the proxy serves.
cp -r tests/fixtures/deps "$TMP/altered"
sed -i 's|^github.com/google/uuid v1.6.0 h1:.*|github.com/google/uuid v1.6.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=|' "$TMP/altered/go.sum"
expect_eval_error "($gg { src = $TMP/altered; }).drvPath" 'github.com/google/uuid@v1.6.0: zip has hash .* but go.sum says'

# go.sum entry missing.
cp -r tests/fixtures/deps "$TMP/nosum"
sed -i '/^github.com\/google\/uuid v1.6.0 h1:/d' "$TMP/nosum/go.sum"
expect_eval_error "($gg { src = $TMP/nosum; }).drvPath" 'missing go.sum entry.*github.com/google/uuid'

# A version the proxy does not have (proxy.golang.org says 404/410; proxies
# in between may say 403).
cp -r tests/fixtures/deps "$TMP/noversion"
sed -i 's/v1.6.0/v1.99.0/' "$TMP/noversion/go.mod" "$TMP/noversion/go.sum"
expect_eval_error "($gg { src = $TMP/noversion; }).drvPath" 'fetching github.com/google/uuid@v1.99.0 go.mod: .*(not found|403|404|410)'

# go.mod asking for a newer Go than the toolchain: an error, never a download.
cp -r tests/fixtures/deps "$TMP/newgo"
sed -i 's/^go 1.22$/go 1.99/' "$TMP/newgo/go.mod"
expect_eval_error "($gg { src = $TMP/newgo; }).drvPath" 'go.mod requires go >= 1.99'
