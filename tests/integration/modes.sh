# The same build in every mode: for the multi-package fixture and the
# module-with-dependencies fixture, mode "plugin" (builtins.goPackageGraph)
# and mode "ifd" (plain Nix, no plugin loaded: the planner runs in a
# derivation, modules come from gograph.lock) give the same binary, equal to
# go build's. A missing or stale lock is an error naming the module and the
# command that refreshes it.
. tests/lib.sh

# build_ifd ARGS…: nix-build tests/build.nix without the plugin.
build_ifd() {
  nix-build --no-out-link "$ROOT/tests/build.nix" "$@" 2> "$TMP/build.log" ||
    { cat "$TMP/build.log" >&2; return 1; }
}

for fixture in multi deps; do
  src="$TMP/$fixture"
  cp -r "tests/fixtures/$fixture" "$src"
  plugin=$(gg_build --arg src "$src")
  ifd=$(build_ifd --arg src "$src")
  grep -q "gograph-plan.json" "$TMP/build.log" || [ "$fixture" = multi ] ||
    fail "$fixture: mode ifd did not run the planner in a derivation"
  # Mode "ifd" is the default without the plugin; asked for, it works with it too.
  [ "$(gg_build --arg src "$src" --argstr mode ifd)" = "$ifd" ] || fail "$fixture: mode = \"ifd\" with the plugin differs"
  go_build_ref "$src" "$TMP/$fixture.ref"
  for out in "$plugin" "$ifd"; do
    [ "$(sha "$out/bin/$fixture")" = "$(sha "$TMP/$fixture.ref")" ] || fail "$fixture: $out/bin/$fixture differs from go build's"
  done
  say "ok: $fixture: modes plugin and ifd give bin/$fixture = go build's ($(sha "$TMP/$fixture.ref"))"
done

# The modules of go.sum need the lock in mode ifd.
mv "$TMP/deps/gograph.lock" "$TMP/deps.lock"
expect_eval_error "(import $ROOT/tests/build.nix { src = $TMP/deps; mode = \"ifd\"; }).drvPath" \
  'gograph.lock is missing.*run `gograph lock .*/deps > .*/deps/gograph.lock`'
sed 's|"github.com/google/uuid@v1.6.0"|"github.com/google/uuid@v1.5.0"|' "$TMP/deps.lock" > "$TMP/deps/gograph.lock"
expect_eval_error "(import $ROOT/tests/build.nix { src = $TMP/deps; mode = \"ifd\"; }).drvPath" \
  'module github.com/google/uuid@v1.6.0 is in go.sum but not in gograph.lock: run `gograph lock'
sed 's|h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr|h1:AAAAJDMOsjHA8n1jAhLSgzrAzy1Hgr|' "$TMP/deps.lock" > "$TMP/deps/gograph.lock"
expect_eval_error "(import $ROOT/tests/build.nix { src = $TMP/deps; mode = \"ifd\"; }).drvPath" \
  "module github.com/google/uuid@v1.6.0: go.sum's hash h1:NIva.* is not gograph.lock's h1:AAAA"
expect_eval_error "(import $ROOT/tests/build.nix { src = $TMP/deps; mode = \"remote\"; }).drvPath" \
  'unknown mode "remote"'
