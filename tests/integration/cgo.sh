# cgo (tests/fixtures/cgo): a package with import "C", a .c file, a header
# and #cgo LDFLAGS: -lm, built with env.CGO_ENABLED = 1 and the default C
# toolchain (the host's gcc in the store, scripts/host-cc.sh). The binary
# equals `CGO_ENABLED=1 go build`'s with the host's gcc; only derivations
# that run the C compiler depend on it; the result refers to no toolchain.
. tests/lib.sh

src="$TMP/cgo"
cp -r tests/fixtures/cgo "$src"
cc=$(grep -o '/nix/store/[^"]*-host-cc-[^"]*' build/host-toolchain.nix)
out=$(gg_build --arg src "$src" --arg env '{ CGO_ENABLED = 1; }')
say "built $(built_count) derivations with cgo"
[ "$("$out/bin/cgo")" = "5 five" ] || fail "bin/cgo printed $("$out/bin/cgo")"

(cd "$src" && go_env PATH="$GOROOT_STORE/bin:/usr/bin:/bin" GOFLAGS=-mod=readonly CGO_ENABLED=1 CC="$(command -v gcc)" \
  go build -trimpath -buildvcs=false -ldflags=-buildid= -o "$TMP/cgo.ref" .) || fail "go build with cgo failed"
[ "$(sha "$out/bin/cgo")" = "$(sha "$TMP/cgo.ref")" ] || fail "bin/cgo differs from CGO_ENABLED=1 go build's"
say "ok: bin/cgo is bit-identical to CGO_ENABLED=1 go build with the host's gcc ($(sha "$TMP/cgo.ref"))"

# Which derivations depend on the C toolchain: the cgo package, runtime/cgo
# and the link; not the pure-Go packages of the same build.
drv_of() {
  nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval -E \
    "(import $ROOT/tests/build.nix { src = $src; env.CGO_ENABLED = 1; }).$1.drvPath" 2>/dev/null | tr -d '"'
}
for attr in 'packages."example.com/cgo/hyp"' 'packages."runtime/cgo"' 'binaries.cgo'; do
  nix-store -q --references "$(drv_of "$attr")" | grep -qF "$cc" || fail "$attr does not depend on the C toolchain"
done
for attr in 'packages."example.com/cgo/pure"' 'packages."fmt"' 'packages."example.com/cgo"'; do
  nix-store -q --references "$(drv_of "$attr")" | grep -qF "$cc" && fail "$attr depends on the C toolchain"
done
say "ok: only the cgo package, runtime/cgo and the link depend on the C toolchain"

nix-store -q --references "$out" > "$TMP/refs.txt"
grep -q -- "-go-\|-host-cc-" "$TMP/refs.txt" && fail "the result refers to a toolchain: $(cat "$TMP/refs.txt")"
say "ok: the result refers to no Go or C toolchain"

# The same fixture with cgo off: the package has no pure-Go fallback.
expect_eval_error "(import $ROOT/tests/build.nix { src = $src; }).drvPath" \
  'package example.com/cgo/hyp needs cgo \(hyp.go imports "C"\)'
