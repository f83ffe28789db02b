# Tests cached per package (tests/fixtures/tested): each package with tests
# gets a test-binary derivation and a derivation running it in a copy of its
# directory (testdata/ included); the program depends on them (doCheck).
# testify comes from the module proxy. Editing the leaf reruns only its
# tests and its importers'; a failing test fails its derivation and shows
# the test's name; checkFlags reach the test binary.
. tests/lib.sh

src="$TMP/tested"
cp -r tests/fixtures/tested "$src"
out=$(gg_build --arg src "$src")
built_names | grep '^test-' > "$TMP/ran.txt" || true
say "first build: $(built_count) derivations, tests run: $(tr '\n' ' ' < "$TMP/ran.txt")"
[ "$("$out/bin/tested")" = "hello, world 42" ] || fail "bin/tested printed the wrong thing"
go_build_ref "$src" "$TMP/tested.ref"
[ "$(sha "$out/bin/tested")" = "$(sha "$TMP/tested.ref")" ] || fail "bin/tested differs from go build's"
say "ok: bin/tested is bit-identical to go build"

# Every tested package has a run derivation that passed, with its log.
eval_attr() {
  nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval --strict --json -E \
    "let app = import $ROOT/tests/build.nix ({ src = $src; } // $2); in $1" 2>"$TMP/eval.log" ||
    { cat "$TMP/eval.log" >&2; fail "evaluating $1"; }
}
tested=$(eval_attr 'builtins.attrNames app.tests' '{ }')
[ "$tested" = '["example.com/tested/leaf","example.com/tested/mid","example.com/tested/other"]' ] ||
  fail "passthru.tests lists $tested"
say "ok: passthru.tests = $tested"
log=$(nix-build --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" --arg src "$src" \
  -A 'tests."example.com/tested/mid"' 2>/dev/null)/test.log
grep -qx PASS "$log" || { cat "$log"; fail "mid's test log does not say PASS"; }
say "ok: tests.\"example.com/tested/mid\" (testify, external and internal tests) passed"

# Edit the leaf: only leaf's and mid's tests run again; other's do not.
echo "func Extra$(date +%s%N)() int { return 1 }" >> "$src/leaf/leaf.go"
out=$(gg_build --arg src "$src")
built_names | grep '^test-' > "$TMP/rerun.txt" || true
printf '%s\n' test-example.com-tested-leaf test-example.com-tested-mid > "$TMP/expected.txt"
diff -u "$TMP/expected.txt" "$TMP/rerun.txt" || fail "a leaf edit reran the wrong tests"
say "ok: leaf edit reran $(wc -l < "$TMP/rerun.txt") test derivations (leaf, mid), of $(built_count) rebuilt"

# checkFlags: -run selects tests, -v shows them.
log=$(nix-build --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" --arg src "$src" \
  --arg checkFlags '[ "-run=TestAnswer" "-v" ]' -A 'tests."example.com/tested/other"' 2>"$TMP/build.log")/test.log ||
  { cat "$TMP/build.log"; fail "checkFlags build failed"; }
grep -q -- '--- PASS: TestAnswer' "$log" || { cat "$log"; fail "checkFlags -v -run=TestAnswer not applied"; }
grep -q TestSkippedByCheckFlags "$log" && fail "checkFlags -run=TestAnswer still ran TestSkippedByCheckFlags"
say "ok: checkFlags [ -run=TestAnswer -v ] reached the test binary"

# A failing test fails its derivation, and the log names the test.
cat > "$src/other/fail_test.go" <<'GO'
package other

import "testing"

func TestDeliberatelyBroken(t *testing.T) { t.Fatal("this test fails on purpose") }
GO
rc=0
nix-build --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" --arg src "$src" > /dev/null 2> "$TMP/fail.log" || rc=$?
[ "$rc" != 0 ] || fail "a failing test did not fail the build"
grep -q -- '--- FAIL: TestDeliberatelyBroken' "$TMP/fail.log" || { cat "$TMP/fail.log"; fail "the failure does not name the test"; }
grep -q 'this test fails on purpose' "$TMP/fail.log" || fail "the failure does not show the test's output"
say "ok: a failing test fails the build, naming --- FAIL: TestDeliberatelyBroken"
out=$(gg_build --arg src "$src" --arg doCheck false)
[ "$("$out/bin/tested")" = "hello, world 42" ] || fail "doCheck = false did not build the program"
say "ok: doCheck = false builds the program without running the tests"
