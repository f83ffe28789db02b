# Third-party modules with no vendorHash: go.sum is the lock. A module from
# the Go module proxy is fetched at evaluation time, verified against go.sum
# and added to the store as its own path; the binary equals go build's; a
# second evaluation with GOPROXY=off fetches nothing; bad go.sum input is a
# clear error naming the module.
. tests/lib.sh

src="$TMP/deps"
cp -r tests/fixtures/deps "$src"
out=$(gg_build --arg src "$src")
"$out/bin/deps" | grep -q '^uuid 0a7ba6ee-7060-5acc-ac41-fdb509d49ce9 version VERSION_5$' || fail "bin/deps printed the wrong thing"
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
grep -q "1 modules, 0 downloads" "$TMP/offline.log" || { grep -i module "$TMP/offline.log"; fail "GOPROXY=off evaluation downloaded modules"; }
say "ok: GOPROXY=off rebuild succeeds with 0 downloads"

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
