# Early cutoff with content-addressed compiles (ca-derivations). A compile
# leaves the export data (read by importers' compiles) and the linker's
# object (read by links) in two outputs, so a body edit that keeps a
# package's export data rebuilds that package, the link and the bin/
# wrapper only: Nix finds the importers' resolved derivations built. An
# exported signature edit rebuilds the importers too. Binaries equal
# go build's with and without content addressing. The plugin turns it on
# when the feature is enabled; mode ifd writes the same derivations; asking
# for it without the feature is an error naming the feature.
. tests/lib.sh

# with_ca CMD…: CMD with the ca-derivations experimental feature enabled.
with_ca() { NIX_CONFIG="$NIX_CONFIG"$'\n'"extra-experimental-features = ca-derivations" "$@"; }

src="$TMP/multi"
cp -r tests/fixtures/multi "$src"
# The edited function must not be inlinable: an inlinable function's body is
# part of its package's export data, so editing it changes the API importers
# compile against.
sed -i 's|^func Greeting|//go:noinline\nfunc Greeting|' "$src/internal/leaf/leaf.go"
grep -q '^//go:noinline$' "$src/internal/leaf/leaf.go" || fail "could not mark leaf.Greeting noinline"

# check_binary OUT WHAT: OUT's bin/multi equals go build's of $src.
check_binary() {
  go_build_ref "$src" "$TMP/multi.ref"
  [ "$(sha "$1/bin/multi")" = "$(sha "$TMP/multi.ref")" ] || fail "$2: bin/multi differs from go build's"
  say "ok: $2: bin/multi is bit-identical to go build ($(sha "$TMP/multi.ref"))"
}

# On by default with the feature: the leaf's compile is content-addressed
# with the outputs out and export.
outputs=$(with_ca nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval --strict --json -E \
  "(import $ROOT/tests/build.nix { src = $src; }).packages.\"example.com/multi/internal/leaf\".outputs" 2> "$TMP/eval.log") ||
  { cat "$TMP/eval.log" >&2; fail "could not evaluate the leaf's outputs"; }
[ "$outputs" = '["out","export"]' ] || fail "the leaf's compile has the outputs $outputs, not out and export"
drv=$(with_ca nix-instantiate --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$src" \
  -A 'packages."example.com/multi/internal/leaf"' 2> "$TMP/eval.log") || { cat "$TMP/eval.log" >&2; fail "nix-instantiate of the leaf failed"; }
grep -qF '("export","","r:sha256","")' "$drv" && grep -qF '("out","","r:sha256","")' "$drv" ||
  fail "the leaf's derivation $drv is not floating content-addressed: $(head -c 300 "$drv")"
say "ok: with ca-derivations the leaf's compile is content-addressed, outputs out and export"

out=$(with_ca gg_build --arg src "$src")
say "first build: $(built_count) derivations"
check_binary "$out" "content-addressed"

# A body edit that keeps the leaf's export data (the string is on the same
# line): the leaf, the link and the wrapper, nothing else.
word="leaf, edited $(date +%s%N)"
sed -i "s/return \"leaf\"/return \"$word\"/" "$src/internal/leaf/leaf.go"
out=$(with_ca gg_build --arg src "$src")
built_names > "$TMP/rebuilt.txt"
printf '%s\n' app-0 go-example.com-multi-internal-leaf multi-link > "$TMP/expected.txt"
diff -u "$TMP/expected.txt" "$TMP/rebuilt.txt" || fail "a body edit keeping the export data rebuilt the wrong derivations"
grep -qF "left(${word^^}) + right(${word^^}/${#word})" <<< "$("$out/bin/multi")" || fail "the edit is not in the binary"
say "ok: a body edit keeping the export data built $(built_count): the leaf, the link and the wrapper"
check_binary "$out" "content-addressed, after the body edit"

# An exported signature edit: Greeting becomes variadic (its callers still
# compile), so base, which imports the leaf, compiles again. The
# parameter's name, part of the export data, is new on every run.
param="p$(date +%s%N)"
sed -i "s/^func Greeting() string {/func Greeting($param ...string) string {/" "$src/internal/leaf/leaf.go"
grep -q "^func Greeting($param ...string) string {\$" "$src/internal/leaf/leaf.go" || fail "could not edit Greeting's signature"
out=$(with_ca gg_build --arg src "$src")
built_names > "$TMP/rebuilt.txt"
for name in go-example.com-multi-internal-leaf go-example.com-multi-internal-base multi-link app-0; do
  grep -qx "$name" "$TMP/rebuilt.txt" || { cat "$TMP/rebuilt.txt"; fail "a signature edit did not rebuild $name"; }
done
# Only the leaf and what imports it, directly or not, compile again.
multi_leaf_rebuilt | { cat; echo app-0; } | sort > "$TMP/importers.txt"
extra=$(comm -23 "$TMP/rebuilt.txt" "$TMP/importers.txt")
[ -z "$extra" ] || fail "a signature edit rebuilt $extra, which does not import the leaf"
say "ok: a signature edit rebuilt the importers too: $(tr '\n' ' ' < "$TMP/rebuilt.txt")"
check_binary "$out" "content-addressed, after the signature edit"

# Asked off with the feature on: input-addressed, as without the feature;
# a body edit rebuilds every importer, and the binary is go build's.
out=$(with_ca gg_build --arg src "$src" --arg contentAddressed false)
check_binary "$out" "contentAddressed = false"
word="leaf, again $(date +%s%N)"
sed -i "s/return \"leaf, edited [0-9]*\"/return \"$word\"/" "$src/internal/leaf/leaf.go"
out=$(with_ca gg_build --arg src "$src" --arg contentAddressed false)
built_names > "$TMP/rebuilt.txt"
multi_leaf_rebuilt | { cat; echo app-0; } | sort > "$TMP/expected.txt"
diff -u "$TMP/expected.txt" "$TMP/rebuilt.txt" || fail "without content addressing a body edit rebuilt the wrong derivations"
say "ok: contentAddressed = false: a body edit rebuilt the leaf, its 5 importers, the link and the wrapper"
check_binary "$out" "contentAddressed = false, after the body edit"

# Every kind of compile splits: cgo's C objects go into the linker's
# object (the cgo fixture), and test binaries link and run (the tested
# fixture, doCheck on, testify from the module proxy); both equal go build.
cp -r tests/fixtures/cgo "$TMP/cgo"
out=$(with_ca gg_build --arg src "$TMP/cgo" --arg env '{ CGO_ENABLED = 1; }')
(cd "$TMP/cgo" && go_env PATH="$GOROOT_STORE/bin:/usr/bin:/bin" GOFLAGS=-mod=readonly CGO_ENABLED=1 CC="$(command -v gcc)" \
  go build -trimpath -buildvcs=false -ldflags=-buildid= -o "$TMP/cgo.ref" .) || fail "go build with cgo failed"
[ "$(sha "$out/bin/cgo")" = "$(sha "$TMP/cgo.ref")" ] || fail "content-addressed, bin/cgo differs from CGO_ENABLED=1 go build's"
say "ok: content-addressed, bin/cgo is bit-identical to CGO_ENABLED=1 go build ($(sha "$TMP/cgo.ref"))"
cp -r tests/fixtures/tested "$TMP/tested"
out=$(with_ca gg_build --arg src "$TMP/tested")
# (The result depends on every test run passing; they ran now or in an
# earlier run, when their inputs were the same.)
drv=$(with_ca nix-instantiate --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$TMP/tested" 2> "$TMP/eval.log") ||
  { cat "$TMP/eval.log" >&2; fail "nix-instantiate of the tested fixture failed"; }
ran=$(nix-store -q --references "$drv" | grep -c -- '-test-[^/]*\.drv$') || fail "content-addressed, the result depends on no test run"
go_build_ref "$TMP/tested" "$TMP/tested.ref"
[ "$(sha "$out/bin/tested")" = "$(sha "$TMP/tested.ref")" ] || fail "content-addressed, bin/tested differs from go build's"
say "ok: content-addressed, the tested fixture's $ran test runs passed and bin/tested is go build's"

# Mode ifd resolves the same description into the same derivations.
plugin_drv=$(with_ca nix-instantiate --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$src" 2> "$TMP/eval.log") ||
  { cat "$TMP/eval.log" >&2; fail "nix-instantiate in mode plugin failed"; }
ifd_drv=$(with_ca nix-instantiate "$ROOT/tests/build.nix" --arg src "$src" --arg contentAddressed true 2> "$TMP/eval.log") ||
  { cat "$TMP/eval.log" >&2; fail "nix-instantiate in mode ifd failed"; }
[ "$plugin_drv" = "$ifd_drv" ] || fail "content-addressed, the program is $plugin_drv in mode plugin but $ifd_drv in mode ifd"
say "ok: content-addressed, the program is the same derivation in modes plugin and ifd (${plugin_drv#/nix/store/})"

# Without the feature: off by default, and an error when asked for.
drv=$(nix-instantiate --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$src" \
  -A 'packages."example.com/multi/internal/leaf"' 2> "$TMP/eval.log") || { cat "$TMP/eval.log" >&2; fail "nix-instantiate of the leaf failed"; }
grep -qF 'r:sha256' "$drv" && fail "without ca-derivations the leaf's compile is content-addressed"
say "ok: without ca-derivations the compiles are input-addressed"
expect_eval_error "(import $ROOT/tests/build.nix { src = $src; contentAddressed = true; }).drvPath" \
  "needs the 'ca-derivations' experimental feature"
# Modes that do not take it say so.
expect_eval_error "(import $ROOT/tests/build.nix { src = $src; contentAddressed = true; mode = \"monolithic\"; }).drvPath" \
  'is for modes "plugin" and "ifd", not "monolithic"'
