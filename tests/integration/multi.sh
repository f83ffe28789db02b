# Fixture (b): main + a chain of four internal packages with a diamond.
# The binary equals go build's; editing the leaf rebuilds exactly the leaf,
# its importers and the link; a rebuild without edits builds nothing.
. tests/lib.sh

src="$TMP/multi"
cp -r tests/fixtures/multi "$src"
out=$(gg_build --arg src "$src")
say "first build: $(built_count) derivations"
"$out/bin/multi" > "$TMP/run.txt"
grep -q '^left(LEAF) + right(LEAF/4)$' "$TMP/run.txt" || { cat "$TMP/run.txt"; fail "multi printed the wrong thing"; }

dot=$(nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval -E \
  "(import $ROOT/tests/build.nix { src = $src; }).graphDot" 2>/dev/null | tr -d '"')
for edge in '"example.com/multi/internal/app" -> "example.com/multi/internal/left"' \
            '"example.com/multi/internal/app" -> "example.com/multi/internal/right"' \
            '"example.com/multi/internal/base" -> "example.com/multi/internal/leaf"' \
            '"example.com/multi" -> "fmt"'; do
  grep -qF "$edge" "$dot" || { cat "$dot"; fail "graphDot lacks $edge"; }
done
grep -qF '"example.com/multi/internal/leaf" -> ' "$dot" && fail "graphDot gives the leaf imports it does not have"
say "ok: graphDot ($(grep -c -- '->' "$dot") edges) has the diamond and the chain"

go_build_ref "$src" "$TMP/multi.ref"
[ "$(sha "$out/bin/multi")" = "$(sha "$TMP/multi.ref")" ] || fail "bin/multi differs from go build's"
say "ok: bin/multi is bit-identical to go build ($(sha "$TMP/multi.ref"))"

# One leaf edit: a function body. The text is new on every run, so the
# store cannot already hold the edited derivations from an earlier run.
word="leaf, edited $(date +%s%N)"
sed -i "s/return \"leaf\"/return \"$word\"/" "$src/internal/leaf/leaf.go"
out=$(gg_build --arg src "$src")
built_names > "$TMP/rebuilt.txt"
{ echo app-0; multi_leaf_rebuilt; } | sort > "$TMP/expected.txt"
diff -u "$TMP/expected.txt" "$TMP/rebuilt.txt" || fail "a leaf edit rebuilt the wrong derivations"
say "ok: leaf edit rebuilt $(built_count): leaf, its 5 importers, the link and the bin/ wrapper"
grep -qF "left(${word^^}) + right(${word^^}/${#word})" <<< "$("$out/bin/multi")" || fail "the edit is not in the binary"
go_build_ref "$src" "$TMP/multi-edited.ref"
[ "$(sha "$out/bin/multi")" = "$(sha "$TMP/multi-edited.ref")" ] || fail "edited bin/multi differs from go build's"
say "ok: edited bin/multi is bit-identical to go build"

gg_build --arg src "$src" > /dev/null
[ "$(built_count)" = 0 ] || { built_names; fail "a rebuild without edits built $(built_count) derivations"; }
say "ok: a rebuild without edits built nothing"
