# Binary caches: the per-package outputs of one program's build, copied
# signed to a binary cache, are substituted when another program sharing
# those packages is built in another store. deps (github.com/google/uuid,
# here with a test of its own, so std's testing packages are built too) is
# built in the normal store and the outputs of every derivation of its
# build go to a file:// cache, signed with a key the test generates. A
# fresh chroot store whose only substituter is that cache (require-sigs,
# that key trusted) builds the go.work workspace fixture: every derivation
# the two builds share (std, uuid, the builder) is substituted, exactly the
# workspace's own (its packages, links, test binary and run, the program)
# are built, and app1 and app2 equal the normal store's. With another key
# or none trusted, nothing is substituted.
. tests/lib.sh
# A second machine's caches: no plan cache, no module index, and Nix's
# narinfo cache (under $XDG_CACHE_HOME/nix) private to this test.
export XDG_CACHE_HOME="$TMP/xdg-cache"
gg="$ROOT/tests/build.nix"

# now: milliseconds since the epoch; secs START: seconds since START.
now() { echo $(($(date +%s%N) / 1000000)); }
secs() { awk -v ms=$(($(now) - $1)) 'BEGIN { printf "%.1f", ms / 1000 }'; }
# names: the derivation names of the store paths on stdin, sorted.
names() { sed 's|^/nix/store/[a-z0-9]*-||; s|\.drv$||' | sort; }
# closure_drvs STORE DRV: the derivations DRV's build needs, DRV included.
closure_drvs() { nix-store --store "$1" -qR "$2" | grep '\.drv$' | sort; }

# The first program, built in the normal store.
src1="$TMP/deps"
cp -r tests/fixtures/deps "$src1"
chmod -R u+w "$src1"
cat > "$src1/main_test.go" <<'GO'
package main

import "testing"

func TestUUID(t *testing.T) {
	if uuidOf("x").Version() != 5 {
		t.Fatal("not a version 5 UUID")
	}
}
GO
sed -i 's|^func main() {|func uuidOf(s string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceURL, []byte(s)) }\n\n&|' "$src1/main.go"
drv1=$(nix-instantiate --plugin-files "$PLUGIN" "$gg" --arg src "$src1" 2> "$TMP/eval.log") ||
  { cat "$TMP/eval.log" >&2; fail "evaluating deps failed"; }
nix-store --realise "$drv1" > /dev/null 2> "$TMP/build.log" || { cat "$TMP/build.log" >&2; fail "building deps failed"; }
closure_drvs auto "$drv1" > "$TMP/drvs1.txt"
grep -q -- '-test-example.com-deps\.drv$' "$TMP/drvs1.txt" || fail "deps' build runs no test"

# The outputs of every derivation of that build go to the cache, signed.
nix-store --generate-binary-cache-key gograph-test-cache-1 "$TMP/cache.sec" "$TMP/cache.pub"
nix-store --generate-binary-cache-key gograph-test-other-1 "$TMP/other.sec" "$TMP/other.pub"
cache="file://$TMP/cache"
xargs nix-store -q --outputs < "$TMP/drvs1.txt" | sort > "$TMP/outs1.txt"
[ "$(wc -l < "$TMP/outs1.txt")" = "$(wc -l < "$TMP/drvs1.txt")" ] || fail "a derivation of deps has more than one output"
mapfile -t outs1 < "$TMP/outs1.txt"
nix copy --to "$cache?secret-key=$TMP/cache.sec&compression=zstd" "${outs1[@]}" 2> "$TMP/copy.log" ||
  { cat "$TMP/copy.log" >&2; fail "nix copy to $cache failed"; }
while read -r p; do
  h=${p#/nix/store/}
  grep -q '^Sig: gograph-test-cache-1:' "$TMP/cache/${h%%-*}.narinfo" 2> /dev/null || fail "$cache has no signed $p"
done < "$TMP/outs1.txt"
say "ok: the outputs of deps' $(wc -l < "$TMP/drvs1.txt") derivations are in $cache, signed ($(du -sh "$TMP/cache" | cut -f1))"

# The second program, built in the normal store for reference.
src2="$TMP/ws"
cp -r tests/fixtures/workspace "$src2"
chmod -R u+w "$src2"
drv=$(nix-instantiate --plugin-files "$PLUGIN" "$gg" --arg src "$src2" 2> "$TMP/eval.log") ||
  { cat "$TMP/eval.log" >&2; fail "evaluating the workspace failed"; }
out=$(nix-store --realise "$drv" 2> "$TMP/build.log") || { cat "$TMP/build.log" >&2; fail "building the workspace failed"; }

# A fresh store holding what evaluation reads: the toolchain, busybox and
# uuid's module. (The planner finds a module's store path on the file
# system, i.e. in the normal store, and the store evaluated with must then
# have it valid; on another machine evaluation would fetch it.)
store2="local?root=$TMP/store2"
busybox=$(grep -o '/nix/store/[^"]*-busybox[^"]*' build/host-toolchain.nix)
module=$(nix-store -qR "$drv1" | grep -- '-gomod-github.com-google-uuid-v1.6.0$') || fail "deps' build has no uuid module"
nix copy --no-check-sigs --to "$store2" "$GOROOT_STORE" "$busybox" "$module" 2> "$TMP/copy.log" ||
  { cat "$TMP/copy.log" >&2; fail "copying the toolchain into the fresh store failed"; }
# The cache as only substituter, with signatures required.
with_cache=(--option substituters "$cache" --option require-sigs true --option trusted-public-keys "$(cat "$TMP/cache.pub")")

t0=$(now)
drv2=$(nix-instantiate --store "$store2" --plugin-files "$PLUGIN" "$gg" --arg src "$src2" 2> "$TMP/eval.log") ||
  { cat "$TMP/eval.log" >&2; fail "evaluating the workspace in the fresh store failed"; }
eval_secs=$(secs "$t0")
[ "$drv2" = "$drv" ] || fail "the workspace is $drv2 in the fresh store but $drv in the normal store"
closure_drvs "$store2" "$drv2" > "$TMP/drvs2.txt"
comm -12 "$TMP/drvs1.txt" "$TMP/drvs2.txt" > "$TMP/shared.txt"
comm -13 "$TMP/drvs1.txt" "$TMP/drvs2.txt" > "$TMP/own.txt"
names < "$TMP/shared.txt" > "$TMP/shared-names.txt"
for p in go-fmt go-runtime go-testing go-github.com-google-uuid gograph-builder; do
  grep -qx "$p" "$TMP/shared-names.txt" || fail "$p is not among the derivations deps and the workspace share"
done
n_shared=$(wc -l < "$TMP/shared.txt")
[ "$n_shared" -gt 100 ] || fail "deps and the workspace share only $n_shared derivations"
cat > "$TMP/own-expected.txt" <<'EOF'
app-0
app1-link
app2-link
go-example.com-ws-app1
go-example.com-ws-app2-cmd-app2
go-example.com-ws-lib
go-example.com-ws-lib-leaf
go-example.com-ws-lib.test
go-example.com-ws-lib__example.com-ws-lib.test_
lib.test-link
test-example.com-ws-lib
EOF
names < "$TMP/own.txt" | diff -u "$TMP/own-expected.txt" - || fail "the workspace's own derivations are not the expected ones"
xargs nix-store --store "$store2" -q --outputs < "$TMP/shared.txt" | sort > "$TMP/shared-outs.txt"
mapfile -t shared_outs < "$TMP/shared-outs.txt"

# Building it: the shared outputs are fetched, the rest is built.
t0=$(now)
out2=$(nix-store --store "$store2" --realise "$drv2" "${with_cache[@]}" 2> "$TMP/build2.log") ||
  { cat "$TMP/build2.log" >&2; fail "building the workspace in the fresh store failed"; }
build_secs=$(secs "$t0")
sed -n "s|^copying path '\(/nix/store/[^']*\)' from '$cache'.*|\1|p" "$TMP/build2.log" | sort > "$TMP/fetched.txt"
sed -n "s|^building '\(/nix/store/[^']*\.drv\)'.*|\1|p" "$TMP/build2.log" | sort > "$TMP/built.txt"
diff -u "$TMP/shared-outs.txt" "$TMP/fetched.txt" > "$TMP/diff.txt" ||
  { cat "$TMP/diff.txt" >&2; fail "the fresh store did not fetch exactly the outputs deps and the workspace share"; }
diff -u "$TMP/own.txt" "$TMP/built.txt" > "$TMP/diff.txt" ||
  { cat "$TMP/diff.txt" >&2; fail "the fresh store did not build exactly the workspace's own derivations"; }
say "ok: the workspace in a fresh store: $(wc -l < "$TMP/fetched.txt") derivations substituted from the cache" \
  "(fmt, runtime, testing, uuid, …), $(wc -l < "$TMP/built.txt") built ($(names < "$TMP/built.txt" | paste -sd ' ')) in" \
  "${build_secs}s (evaluation ${eval_secs}s)"

# The same programs as in the normal store.
[ "$out2" = "$out" ] || fail "the workspace's output is $out2 in the fresh store but $out in the normal store"
for p in app1 app2; do
  [ "$(sha "$TMP/store2$out2/bin/$p")" = "$(sha "$out/bin/$p")" ] || fail "bin/$p differs between the fresh and the normal store"
done
[ "$("$TMP/store2$out2/bin/app1")" = "app1: hello app1 7bd6a79b-b6e5-5504-8321-a64becefcbf7" ] || fail "the fresh store's bin/app1 printed the wrong thing"
say "ok: bin/app1 and bin/app2 equal the normal store's ($(sha "$out/bin/app1" | cut -c1-12)…, $(sha "$out/bin/app2" | cut -c1-12)…)"

# Signatures are required: trusting another key, or none, the shared
# outputs are not substituted (realising them fails, naming each). Trusting
# the cache's key, the same command fetches them all.
# (`--dry-run` checks no signature: it lists them as to be fetched anyway.)
store3="local?root=$TMP/store3"
n=${#shared_outs[@]}
for keys in "$(cat "$TMP/other.pub")" ""; do
  if nix-store --store "$store3" --realise "${shared_outs[@]}" --option substituters "$cache" \
    --option require-sigs true --option trusted-public-keys "$keys" > /dev/null 2> "$TMP/unsigned.log"; then
    fail "with trusted-public-keys = '$keys' the shared outputs were substituted"
  fi
  grep -q "^copying path" "$TMP/unsigned.log" && { cat "$TMP/unsigned.log" >&2; fail "with trusted-public-keys = '$keys' a path was copied"; }
  # (Nix 2.8 says "the substitute for '…' from '…' is not signed by …",
  # Nix 2.34 "ignoring substitute for '…' from '…', as it's not signed by …".)
  got=$(grep -c "substitute for '/nix/store/[^']*' from '$cache'.* not signed by any of the keys in 'trusted-public-keys'" "$TMP/unsigned.log" || true)
  [ "$got" = "$n" ] || { cat "$TMP/unsigned.log" >&2; fail "with trusted-public-keys = '$keys', $got of $n paths are said to be unsigned"; }
done
[ -z "$(ls "$TMP/store3/nix/store" 2> /dev/null)" ] || fail "the store trusting other keys holds $(ls "$TMP/store3/nix/store")"
nix-store --store "$store3" --realise "${shared_outs[@]}" "${with_cache[@]}" > /dev/null 2> "$TMP/signed.log" ||
  { cat "$TMP/signed.log" >&2; fail "with the cache's key the shared outputs were not substituted"; }
[ "$(grep -c "^copying path '[^']*' from '$cache'" "$TMP/signed.log")" = "$n" ] || fail "with the cache's key not all $n paths were copied"
say "ok: trusting another key or none, none of the $n outputs is substituted (each 'not signed'); trusting the cache's key, all are"
