# Nothing from outside src (issue 13): a symlink under src whose target
# leaves src is never followed. A directory link, a .go file link, go.sum
# as a link and a test package's testdata link each fail with an
# outside-src error naming the link (never a signal); a link pointing
# inside src works. In no case does a secret of the outside files appear
# in any output or in any store path added during the test, and under
# restrict-eval nothing of the outside directory becomes readable.
. tests/lib.sh
export XDG_CACHE_HOME="$TMP/xdg-cache"
SECRET="gograph-secret-$(date +%s%N)"
F=$TMP/f
O=$TMP/outside
mkdir -p "$F" "$O/pkg" "$O/testdata"
STAMP=$TMP/stamp
touch "$STAMP"
sleep 1 # store paths made from now on have a newer ctime

# --- the outside world: what must never reach the store or a message
printf 'package linked\n\nconst S = "%s"\n' "$SECRET" > "$O/pkg/linked.go"
printf 'TOKEN=%s\n' "$SECRET" > "$O/pkg/.env"
printf 'package main\n\nconst leaked = "%s"\n' "$SECRET" > "$O/file.go"
printf '%s this first line is a secret\n' "$SECRET" > "$O/sum"
printf 'TOKEN=%s\n' "$SECRET" > "$O/testdata/.env"
printf 'data\n' > "$O/testdata/data.txt"

# module DIR PATH [IMPORT…]: DIR holding go.mod for PATH and a main
# package importing IMPORTs.
module() {
  local dir=$1 path=$2 imp; shift 2
  mkdir -p "$dir" && printf 'module %s\n\ngo 1.22\n' "$path" > "$dir/go.mod"
  { printf 'package main\n\n'; for imp; do printf 'import _ "%s"\n' "$imp"; done
    printf '\nfunc main() { println("ok") }\n'; } > "$dir/main.go"
}

module "$F/dirlink" example.com/dirlink example.com/dirlink/linked
ln -s "$O/pkg" "$F/dirlink/linked"
module "$F/filelink" example.com/filelink
ln -s "$O/file.go" "$F/filelink/extra.go"
module "$F/sumlink" example.com/sumlink
ln -s "$O/sum" "$F/sumlink/go.sum"
module "$F/testlink" example.com/testlink example.com/testlink/lib
mkdir -p "$F/testlink/lib"
printf 'package lib\n' > "$F/testlink/lib/lib.go"
printf 'package lib\n\nimport "testing"\n\nfunc TestNothing(t *testing.T) {}\n' > "$F/testlink/lib/lib_test.go"
ln -s ../../../outside/testdata "$F/testlink/lib/testdata"

# Inside src: a package directory reached through a link, a testdata file
# that is a link to its neighbour (kept as a link in the test's copy), and
# a `result`-style link leaving src that nothing reads.
module "$F/inside" example.com/inside example.com/inside/alias
# A run-unique constant, so this run adds store paths for the secret check.
printf '\nconst run = "%s"\n' "$(date +%s%N)" >> "$F/inside/main.go"
mkdir -p "$F/inside/real/testdata"
printf 'package real\n' > "$F/inside/real/real.go"
cat > "$F/inside/real/real_test.go" <<'GO'
package real

import (
	"os"
	"testing"
)

func TestLinkedData(t *testing.T) {
	data, err := os.ReadFile("testdata/linked.txt")
	if err != nil || string(data) != "inside\n" {
		t.Fatalf("testdata/linked.txt: %q, %v", data, err)
	}
}
GO
printf 'inside\n' > "$F/inside/real/testdata/data.txt"
ln -s data.txt "$F/inside/real/testdata/linked.txt"
ln -s real "$F/inside/alias"
ln -s "$O/pkg" "$F/inside/result"

# --- every command's output goes to $LOG, checked for the secret at the end
LOG=$TMP/all.log
: > "$LOG"
BASE_NIX_CONFIG=$NIX_CONFIG

# expect_refused NAME PATTERN: building fixture NAME fails (exit 1, not a
# signal) with an error matching PATTERN, which the echoed expression
# (holding only the fixture's path) cannot match.
expect_refused() {
  local name=$1 pattern=$2 rc=0
  nix-build --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" --arg src "$F/$name" \
    > "$TMP/$name.log" 2>&1 || rc=$?
  cat "$TMP/$name.log" >> "$LOG"
  [ "$rc" = 1 ] || { cat "$TMP/$name.log" >&2; fail "$name: expected exit 1 (got $rc)"; }
  grep -Eq -- "$pattern" "$TMP/$name.log" || { cat "$TMP/$name.log" >&2; fail "$name: error does not match /$pattern/"; }
  say "ok: $name refused: /$pattern/"
}

# The refusal must not depend on the planning sandbox (which hides the
# outside files from go): every case runs with it on and off.
for sandbox in true false; do
  say "gograph-sandbox = $sandbox"
  export NIX_CONFIG="$BASE_NIX_CONFIG"$'\n'"gograph-sandbox = $sandbox"
  expect_refused dirlink "linked is a symlink that leads outside src \(nix-gograph reads nothing outside src\)"
  expect_refused filelink "extra\.go is a symlink that leads outside src"
  expect_refused sumlink "go\.sum is a symlink that leads outside src"
  grep -q "malformed" "$TMP/sumlink.log" && fail "sumlink: go.sum's target was parsed"
  expect_refused testlink "package example\.com/testlink/lib: lib/testdata is a symlink that leads outside src"
done
export NIX_CONFIG=$BASE_NIX_CONFIG

# Pointing inside src works: the program builds and the test reading a
# testdata link passes.
out=$(gg_build --arg src "$F/inside") || fail "the inside-links fixture did not build"
cat "$TMP/build.log" >> "$LOG"
[ "$("$out/bin/inside" 2>&1)" = ok ] || fail "bin/inside printed the wrong thing"
log=$(nix-build --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" --arg src "$F/inside" \
  -A 'tests."example.com/inside/real"' 2>> "$LOG")/test.log || fail "the test of real did not build"
grep -qx PASS "$log" || { cat "$log"; fail "the test reading testdata/linked.txt did not pass"; }
say "ok: links inside src work (package dir, testdata link), a result link is left alone"

# Under restrict-eval (only the repository, the fixture and the store,
# which holds the toolchain, allowed), the outside directory is unreadable
# as itself and through the plugin.
restricted() {
  local src=$1 expr=$2 rc=0
  nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval --strict \
    --option restrict-eval true -I "$ROOT" -I "$src" -I /nix/store \
    -E "let app = import $ROOT/tests/build.nix { src = $src; }; in $expr" > "$TMP/restricted.log" 2>&1 || rc=$?
  cat "$TMP/restricted.log" >> "$LOG"
  return "$rc"
}
restricted "$F/dirlink" "builtins.readFile $O/pkg/linked.go" &&
  fail "restrict-eval let the outside file be read directly"
grep -q "forbidden in restricted mode" "$TMP/restricted.log" ||
  { cat "$TMP/restricted.log" >&2; fail "reading the outside file directly was not forbidden"; }
rc=0
restricted "$F/dirlink" 'builtins.readFile (app.graph.packages."example.com/dirlink/linked".src + "/linked.go")' || rc=$?
[ "$rc" = 1 ] || { cat "$TMP/restricted.log" >&2; fail "restricted read through the plugin: exit $rc"; }
grep -q "linked is a symlink that leads outside src" "$TMP/restricted.log" ||
  { cat "$TMP/restricted.log" >&2; fail "restricted read through the plugin: not refused naming the link"; }
rc=0
restricted "$F/testlink" 'builtins.readFile (app.graph.tests."example.com/testlink/lib".src + "/testdata/.env")' || rc=$?
[ "$rc" = 1 ] || { cat "$TMP/restricted.log" >&2; fail "restricted read of .env through the plugin: exit $rc"; }
grep -q "lib/testdata is a symlink that leads outside src" "$TMP/restricted.log" ||
  { cat "$TMP/restricted.log" >&2; fail "restricted read of .env: not refused naming the link"; }
restricted "$F/inside" 'builtins.attrNames app.graph.binaries' > /dev/null ||
  { cat "$TMP/restricted.log" >&2; fail "the inside-links fixture does not plan under restrict-eval"; }
say "ok: under restrict-eval the outside directory is unreadable, directly and through the plugin"

# --- the secret is in no output and in no store path added by this test
if grep -q "$SECRET" "$LOG"; then
  grep -n "$SECRET" "$LOG" >&2
  fail "the secret appeared in an output"
fi
find /nix/store -maxdepth 1 -cnewer "$STAMP" -name '[0-9a-z]*-*' > "$TMP/new-paths" ||
  fail "listing the store paths added during the test failed"
[ -s "$TMP/new-paths" ] || fail "no store path was added during the test (the check would prove nothing)"
: > "$TMP/leaked"
while IFS= read -r p; do
  rc=0
  grep -rl -- "$SECRET" "$p" >> "$TMP/leaked" || rc=$?
  # 0: found, 1: not found, anything else: grep could not read something.
  [ "$rc" -le 1 ] || fail "grep -r $p failed (rc $rc)"
done < "$TMP/new-paths"
[ -s "$TMP/leaked" ] && { cat "$TMP/leaked" >&2; fail "the secret is in the store"; }
say "ok: the secret is in no output and in none of the $(wc -l < "$TMP/new-paths") store paths added"
