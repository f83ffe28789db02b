# builtins.gographOutputOf: the output of a derivation that another derivation
# produces (RFC 92). Without dynamic derivations (Nix 2.8, and Nix 2.34
# without the feature) the producer is built at evaluation time and the
# result's context builds the produced derivation; with them (Nix 2.34 with
# dynamic-derivations) the result is builtins.outputOf's, exactly. Chains of
# one and two levels build and give the right file; bad input is a clear
# error naming the culprit.
. tests/lib.sh

# fixture NONCE TEXT_HASHED: the start of an expression with the producers
# of tests/fixtures/output-of as `f` and the builtin as `g`. A fresh nonce
# makes fresh derivations, so builds are seen to happen.
fixture() {
  echo "let f = import $ROOT/tests/fixtures/output-of { nonce = \"$1\"; textHashed = $2; };
    g = builtins.gographOutputOf; in"
}

# eval_json EXPR: EXPR's value as JSON, evaluated in read-write mode (the
# derivations are written, so they can be built).
eval_json() {
  nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval --strict --json -E "$1" 2> "$TMP/eval.log" ||
    { cat "$TMP/eval.log" >&2; fail "evaluation failed: $1"; }
}

# check EXPR WHAT: EXPR evaluates to true.
check() {
  local out
  out=$(eval_json "$1")
  [ "$out" = true ] || fail "$2 (got $out)"
  say "ok: $2"
}

# build EXPR: nix-build EXPR (a derivation); prints its output path, the log
# goes to $TMP/build.log.
build() {
  nix-build --plugin-files "$PLUGIN" --no-out-link -E "$1" 2> "$TMP/build.log" ||
    { cat "$TMP/build.log" >&2; fail "build failed: $1"; }
}

# since START: seconds since START (a `date +%s%N`), to two decimals.
since() {
  local ms=$(( ($(date +%s%N) - $1) / 1000000 ))
  printf '%d.%02d' $((ms / 1000)) $((ms % 1000 / 10))
}

# expect_build_error EXPR PATTERN: nix-build EXPR fails (exit 1) with an
# error matching PATTERN.
expect_build_error() {
  local rc=0
  nix-build --plugin-files "$PLUGIN" --no-out-link -E "$1" > /dev/null 2> "$TMP/build.log" || rc=$?
  [ "$rc" = 1 ] || { cat "$TMP/build.log" >&2; fail "expected exit 1 building: $1 (got $rc)"; }
  grep -Eq -- "$2" "$TMP/build.log" || { cat "$TMP/build.log" >&2; fail "build error for: $1 does not match /$2/"; }
  say "ok: build error /$2/"
}

# expect_content PATH TEXT WHAT: the file PATH holds the line TEXT.
expect_content() {
  [ "$(cat "$1")" = "$2" ] || fail "$3: $1 holds '$(cat "$1")', not '$2'"
  say "ok: $3 ($2)"
}

# The emulation, with the producers Nix 2.8 can build.
nonce=emu-$$-$RANDOM
f=$(fixture "$nonce" false)
check "$f let r = g f.producesHello \"out\"; in
  r == f.hello.outPath && builtins.getContext r == { \${builtins.unsafeDiscardStringContext f.producesHello.outPath} = { outputs = [ \"out\" ]; }; }" \
  "gographOutputOf producer \"out\" is the produced derivation's out path, with context !out!<produced .drv>"
check "$f g f.producesHello \"doc\" == f.hello.doc.outPath" "another output of the produced derivation (doc)"
check "$f let r = g (builtins.unsafeDiscardOutputDependency f.hello.drvPath) \"out\"; in
  r == f.hello.outPath && builtins.getContext r == builtins.getContext f.hello.outPath" \
  "a .drv path with context is read as it is (gographOutputOf drvFile \"out\" = its outPath)"

start=$(date +%s%N)
out=$(build "$f f.copy \"oo-use-one\" (g f.producesHello \"out\")")
expect_content "$out" "oo-chain-hello out $nonce" "a derivation using gographOutputOf producer \"out\" builds the chain"
produced=$(eval_json "$f f.producesHello.outPath" | tr -d '"')
grep -q "^building '$produced'" "$TMP/build.log" || { cat "$TMP/build.log"; fail "the produced derivation $produced was not built"; }
say "ok: the produced derivation $produced was built ($(since "$start") s)"

start=$(date +%s%N)
out=$(build "$f f.copy \"oo-use-two\" (g (g f.chain2 f.producesHello.producedOutput) \"out\")")
expect_content "$out" "oo-chain-hello out $nonce" "a two-level chain builds ($(since "$start") s)"

# Content-addressed derivations (the ca-derivations feature): a producer's
# output is known once it is built; a produced derivation's output is a
# placeholder until it is built, as its outPath is.
ca_config="$NIX_CONFIG"$'\nextra-experimental-features = ca-derivations'
NIX_CONFIG=$ca_config check "$f g f.caProducesHello \"out\" == f.hello.outPath" \
  "a content-addressed producer (built, then its output read)"
NIX_CONFIG=$ca_config check "$f let r = g f.producesCaHello \"out\"; in
  builtins.substring 0 11 r != \"/nix/store/\"
  && builtins.getContext r == { \${builtins.unsafeDiscardStringContext f.producesCaHello.outPath} = { outputs = [ \"out\" ]; }; }" \
  "a content-addressed produced derivation's output is a placeholder, with context !out!<produced .drv>"
out=$(NIX_CONFIG=$ca_config build "$f f.copy \"oo-use-ca\" (g f.producesCaHello \"out\")")
expect_content "$out" "oo-ca-hello out $nonce" "a derivation using it builds the content-addressed chain"

NIX_CONFIG="$NIX_CONFIG"$'\nallow-import-from-derivation = false' \
  expect_eval_error "$(fixture "$nonce-noifd" false) g f.producesHello \"out\"" \
  "cannot build '/nix/store/[a-z0-9]+-oo-chain.drv.*allow-import-from-derivation' is disabled"

# Read-only evaluation (nix-instantiate --eval) cannot build: the same error
# as import-from-derivation's, never a crash.
ro=$(fixture "$nonce-ro" false)
rc=0; nix-instantiate --plugin-files "$PLUGIN" --eval -E "$ro g f.producesHello \"out\"" > /dev/null 2> "$TMP/ro.log" || rc=$?
[ "$rc" = 1 ] || { cat "$TMP/ro.log"; fail "read-only evaluation exited with $rc"; }
nix-instantiate --eval -E "$ro import f.producesHello" > /dev/null 2> "$TMP/ro-import.log" && fail "read-only import built something"
ro_error=$(grep -o 'error: .*' "$TMP/ro.log" | tail -1)
[ -n "$ro_error" ] && [ "$ro_error" = "$(grep -o 'error: .*' "$TMP/ro-import.log" | tail -1)" ] ||
  { cat "$TMP/ro.log" "$TMP/ro-import.log"; fail "read-only evaluation fails unlike import-from-derivation"; }
say "ok: read-only evaluation fails as import-from-derivation does ($ro_error)"

echo ':doc builtins.gographOutputOf' | nix --plugin-files "$PLUGIN" repl > "$TMP/doc.txt" 2>&1
grep -q "builtins.outputOf" "$TMP/doc.txt" || { cat "$TMP/doc.txt"; fail ":doc builtins.gographOutputOf shows no documentation"; }
say "ok: :doc builtins.gographOutputOf"

# Bad input (the checks made before anything is built hold with dynamic
# derivations too, below).
bad_input() {
  local f=$1
  expect_eval_error "$f g 1 \"out\"" \
    'builtins.gographOutputOf takes a derivation or a string with context as its first argument, but got an integer'
  expect_eval_error "$f g { } \"out\"" "takes a derivation .* but got a set without 'outPath'"
  expect_eval_error "$f g \"/nix/store/00000000000000000000000000000000-x.drv\" \"out\"" \
    "the string '/nix/store/00000000000000000000000000000000-x.drv' passed to builtins.gographOutputOf refers to no derivation"
  expect_eval_error "$f g \"\${f.hello}\${f.hello.doc}\" \"out\"" 'refers to 2 store paths; it must refer to exactly one'
  expect_eval_error "$f g (builtins.toFile \"x\" \"y\") \"out\"" \
    "'/nix/store/[a-z0-9]+-x' passed to builtins.gographOutputOf is neither a derivation \(.drv\) nor an output of one"
  expect_eval_error "$f g f.hello \"out\"" \
    "output 'out' of derivation '/nix/store/[a-z0-9]+-oo-chain-hello.drv' is not a derivation: its name 'oo-chain-hello' does not end in '.drv'"
  expect_eval_error "$f g f.hello.drvPath \"out\"" \
    "refers to the derivation '/nix/store/[a-z0-9]+-oo-chain-hello.drv' with its whole closure \(a drvPath\)"
  expect_eval_error "$f g \"\${f.producesHello}/x\" \"out\"" "string '/[^']+/x'.* is not the (path|right placeholder)"
  expect_eval_error "$f g (builtins.unsafeDiscardOutputDependency f.hello.drvPath) \"nope\"" \
    "derivation '/nix/store/[a-z0-9]+-oo-chain-hello.drv' has no output 'nope'; its outputs are 'doc', 'out'"
  expect_eval_error "$f g f.producesHello 1" \
    'the output name passed to builtins.gographOutputOf must be a string, but it is an integer'
}
bad_input "$f"
expect_eval_error "$f g f.producesHello \"nope\"" \
  "derivation '/nix/store/[a-z0-9]+-oo-chain-hello.drv' \(output 'hello.drv' of '/nix/store/[a-z0-9]+-oo-chain.drv'\) has no output 'nope'; its outputs are 'doc', 'out'"
expect_eval_error "$f g f.garbage \"out\"" \
  "error parsing derivation '/nix/store/[a-z0-9]+-oo-garbage.drv': .*expected string|oo-garbage.drv.* is not a derivation"

# Dynamic derivations, where this Nix has them: exactly builtins.outputOf.
dyn_config="$NIX_CONFIG"$'\nextra-experimental-features = dynamic-derivations ca-derivations'
if [ "$(NIX_CONFIG=$dyn_config nix-instantiate --eval -E 'builtins ? outputOf' 2> /dev/null)" != true ]; then
  say "ok: $(nix --version) has no builtins.outputOf: emulated (above)"
  exit 0
fi
export NIX_CONFIG=$dyn_config
nonce=dyn-$$-$RANDOM
f=$(fixture "$nonce" true)
check "$f let r = g f.producesHello \"out\"; in builtins.substring 0 11 r != \"/nix/store/\" && builtins.hasContext r" \
  "with dynamic derivations, gographOutputOf producer \"out\" is a placeholder (nothing is built to evaluate it)"

start=$(date +%s%N)
out=$(build "$f f.copy \"oo-use-one\" (g f.producesHello \"out\")")
expect_content "$out" "oo-chain-hello out $nonce" \
  "with dynamic derivations, a derivation using it builds the chain ($(since "$start") s)"
grep -q "^building '/nix/store/[a-z0-9]*-oo-chain-hello.drv.drv'" "$TMP/build.log" ||
  { cat "$TMP/build.log"; fail "the producer was not built with the derivation using it"; }
start=$(date +%s%N)
out=$(build "$f f.copy \"oo-use-two\" (g (g f.chain2 \"out\") \"out\")")
expect_content "$out" "oo-chain-hello out $nonce" "with dynamic derivations, a two-level chain builds ($(since "$start") s)"

# same A B WHAT: A and B are the same string with the same context: equal
# strings, equal getContext, and the same derivation when used in one (the
# strongest test, since getContext shows an output of an output as the
# derivation it resolves to, which needs the producers built: above).
same() {
  check "$f let a = $1; b = $2; in a == b && builtins.getContext a == builtins.getContext b
    && (f.copy \"oo-same\" a).drvPath == (f.copy \"oo-same\" b).drvPath" "$3"
}
same 'g f.producesHello "out"' 'builtins.outputOf f.producesHello.outPath "out"' \
  'gographOutputOf producer "out" = builtins.outputOf producer.outPath "out"'
same 'g f.producesHello "doc"' 'builtins.outputOf f.producesHello.outPath "doc"' '… and for "doc"'
same 'g (g f.chain2 "out") "out"' 'builtins.outputOf (builtins.outputOf f.chain2.outPath "out") "out"' \
  '… and for a two-level chain'
same 'g (builtins.unsafeDiscardOutputDependency f.hello.drvPath) "out"' \
  'builtins.outputOf (builtins.unsafeDiscardOutputDependency f.hello.drvPath) "out"' '… and for a .drv path'
bad_input "$f"
# What only building can tell is Nix's own error at build time.
expect_build_error "$f f.copy \"oo-use-nope\" (g f.producesHello \"nope\")" \
  "derivation '/nix/store/[a-z0-9]+-oo-chain-hello.drv' does not have output 'nope'"
expect_build_error "$f f.copy \"oo-use-garbage\" (g f.garbage \"out\")" \
  "error parsing derivation '/nix/store/[a-z0-9]+-oo-garbage.drv'"
