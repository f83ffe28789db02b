# Fixture (a): the standard library only. The binary equals go build's.
. tests/lib.sh

cp -r tests/fixtures/hello "$TMP/hello"
out=$(gg_build --arg src "$TMP/hello")
say "built $(built_count) derivations"
[ -x "$out/bin/hello" ] || fail "no bin/hello in $out"
[ "$("$out/bin/hello" nix)" = "hello, nix" ] || fail "bin/hello printed the wrong thing"

go_build_ref "$TMP/hello" "$TMP/hello.ref"
[ "$(sha "$out/bin/hello")" = "$(sha "$TMP/hello.ref")" ] ||
  fail "bin/hello differs from go build's ($(sha "$out/bin/hello") vs $(sha "$TMP/hello.ref"))"
say "ok: bin/hello is bit-identical to go build ($(sha "$TMP/hello.ref"))"
