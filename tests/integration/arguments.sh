# buildGoApplication's arguments, checked: an unknown argument is an error
# listing the known ones; CGO_ENABLED takes exactly 0, 1, "0", "1", false
# and true (from env.CGO_ENABLED or CGO_ENABLED, which may not disagree);
# env takes CGO_ENABLED and Go's build settings only (passed on as goEnv);
# modes without a plan at evaluation time say so for passthru.packages and
# the like; mode "dynamic" refuses buildInputs by name; mode "monolithic"
# runs the tests with doCheck (a failing test fails the build, checkFlags
# reach go test) and passes buildInputs, pkgConfig and goEnv to its go
# build. On Nix 2.34, `:doc` in `nix repl` shows the doc comments of
# buildGoApplication, prepareCheckpointBuild and mkCheckpointBuild.
. tests/lib.sh

hello=$ROOT/tests/fixtures/hello
app() { echo "(import $ROOT/tests/build.nix ({ src = $hello; } // { $1 }))"; }

expect_eval_error "$(app 'vendorHash = "x"; doChek = false;').drvPath" \
  'unknown arguments doChek, vendorHash; it takes CGO_ENABLED, allowGoReference, asmflags, buildInputs, cc, checkFlags'

# CGO_ENABLED: the drv of mode "monolithic" (no planning at evaluation)
# says whether cgo is on.
drv() { nix-instantiate --eval -E "$(app "mode = \"monolithic\"; $1").drvPath" 2> "$TMP/eval.log" || { cat "$TMP/eval.log" >&2; fail "evaluating with $1 failed"; }; }
off=$(drv '')
on=$(drv 'env.CGO_ENABLED = 1;')
[ "$off" != "$on" ] || fail "env.CGO_ENABLED = 1 changes nothing"
for v in '1' '"1"' 'true'; do
  [ "$(drv "env.CGO_ENABLED = $v;")" = "$on" ] && [ "$(drv "CGO_ENABLED = $v;")" = "$on" ] || fail "CGO_ENABLED = $v is not cgo"
done
for v in '0' '"0"' 'false'; do
  [ "$(drv "env.CGO_ENABLED = $v;")" = "$off" ] && [ "$(drv "CGO_ENABLED = $v;")" = "$off" ] || fail "CGO_ENABLED = $v is not cgo off"
done
[ "$(drv 'env.CGO_ENABLED = 1; CGO_ENABLED = true;')" = "$on" ] || fail "agreeing CGO_ENABLED and env.CGO_ENABLED"
say "ok: CGO_ENABLED and env.CGO_ENABLED take 1, \"1\", true (cgo) and 0, \"0\", false, as buildGoModule"
expect_eval_error "$(app 'env.CGO_ENABLED = "yes";').drvPath" 'env.CGO_ENABLED = "yes" is not one of 0, 1, "0", "1", false, true'
expect_eval_error "$(app 'CGO_ENABLED = 2;').drvPath" '[^.]CGO_ENABLED = 2 is not one of 0, 1'
expect_eval_error "$(app 'env.CGO_ENABLED = 1; CGO_ENABLED = "0";').drvPath" 'env.CGO_ENABLED = 1 and CGO_ENABLED = "0" disagree'

# env: Go's build settings become goEnv; anything else is refused by name.
expect_eval_error "$(app 'env.FOO = "1"; env.GOFLAGS = "-x";').drvPath" \
  'env.FOO, env.GOFLAGS are not supported yet \(env.GOFLAGS: use tags, ldflags, gcflags and asmflags\); env takes CGO_ENABLED and GO386'
request=$(nix-instantiate --eval --strict -E "builtins.fromJSON (builtins.unsafeDiscardStringContext $(app 'mode = "monolithic"; env.GOAMD64 = "v1"; env.GOEXPERIMENT = "nosynchashtriemap";').request)" 2> "$TMP/eval.log") ||
  { cat "$TMP/eval.log" >&2; fail "mode monolithic with env.GOAMD64"; }
grep -q 'goEnv = { GOAMD64 = "v1"; GOEXPERIMENT = "nosynchashtriemap"; }' <<< "$request" || fail "mode monolithic's request has no goEnv: $request"
say "ok: env.GOAMD64 and env.GOEXPERIMENT reach mode monolithic's go build as goEnv"

# No plan at evaluation time in modes dynamic and monolithic.
for attr in packages tests graphDot; do
  expect_eval_error "$(app 'mode = "monolithic";').$attr" \
    "$attr needs the plan at evaluation time, which mode \"monolithic\" does not have"
done
expect_eval_error "$(app 'mode = "dynamic"; env.CGO_ENABLED = 1; buildInputs = [ /tmp ];').drvPath" 'buildInputs is not supported in mode "dynamic" yet'

# Mode monolithic runs the tests: a failing test fails the build, unless
# checkFlags skip it or doCheck is false.
src=$TMP/multi
cp -r tests/fixtures/multi "$src"
cat > "$src/internal/leaf/leaf_test.go" <<'EOF'
package leaf

import "testing"

func TestPasses(t *testing.T) {}

func TestFailsOnPurpose(t *testing.T) { t.Fatal("failing on purpose") }
EOF
# A new source each run, so the builds below run (and log) their tests.
echo "// nonce $(date +%s%N)" >> "$src/internal/leaf/leaf_test.go"
if nix-build --no-out-link "$ROOT/tests/build.nix" --arg src "$src" --argstr mode monolithic > /dev/null 2> "$TMP/build.log"; then
  fail "mode monolithic: a failing test did not fail the build"
fi
grep -q 'failing on purpose' "$TMP/build.log" && grep -q 'FAIL.*example.com/multi/internal/leaf' "$TMP/build.log" ||
  { cat "$TMP/build.log"; fail "mode monolithic: the build failed, but not in the test"; }
out=$(nix-build --no-out-link "$ROOT/tests/build.nix" --arg src "$src" --argstr mode monolithic \
  --arg checkFlags '[ "-skip=TestFailsOnPurpose" ]' 2> "$TMP/build.log") || { cat "$TMP/build.log"; fail "mode monolithic: checkFlags did not reach go test"; }
grep -q '^ok.*example.com/multi/internal/leaf' "$TMP/build.log" || { cat "$TMP/build.log"; fail "mode monolithic: go test did not run the leaf's tests"; }
nix-build --no-out-link "$ROOT/tests/build.nix" --arg src "$src" --argstr mode monolithic --arg doCheck false > /dev/null 2> "$TMP/build.log" ||
  { cat "$TMP/build.log"; fail "mode monolithic: doCheck = false still runs the tests"; }
say "ok: mode monolithic: doCheck runs go test (a failing test fails the build), checkFlags reach it, doCheck = false skips it"

case $(nix --version) in *" 2.3"[4-9]*) ;; *) exit 0 ;; esac

# :doc shows the doc comments (RFC 145) of the library's functions.
cat > "$TMP/lib.nix" <<EOF
import $ROOT/nixexpr (import $ROOT/build/host-toolchain.nix)
EOF
for fn in buildGoApplication prepareCheckpointBuild mkCheckpointBuild; do
  nix repl --file "$TMP/lib.nix" > "$TMP/repl.log" 2>&1 <<< ":doc $fn" || true
  case $fn in
  buildGoApplication) want='Build a Go program with one derivation per Go package' ;;
  prepareCheckpointBuild) want='whose output also keeps Go.s build cache' ;;
  mkCheckpointBuild) want='built starting from the build cache of checkpoint' ;;
  esac
  # (The terminal rendering wraps lines.)
  tr -s ' \n' '  ' < "$TMP/repl.log" | grep -q "$want" || { cat "$TMP/repl.log"; fail ":doc $fn does not show its doc comment"; }
  say "ok: :doc $fn shows its doc comment"
done
