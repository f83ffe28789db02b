# The same build in every mode: for the multi-package fixture and the
# module-with-dependencies fixture, mode "plugin" (builtins.goPackageGraph),
# mode "ifd" (plain Nix, no plugin loaded: the planner runs in a
# derivation, modules come from gograph.lock), mode "monolithic" (one plain
# go build) and, on Nix 2.34, mode
# "dynamic" (RFC 92: a producer derivation outputs the program's .drv) give
# the same binary, equal to go build's. In mode dynamic a leaf edit rebuilds
# only the leaf, its importers and the link; `nix build 'producer^out^out'`
# gives the program too. A missing or stale lock is an error naming the
# module and the command that refreshes it. Modes plugin and ifd write the
# same derivations (the same .drv paths, third-party modules included) for
# the multi, deps and cgo fixtures.
. tests/lib.sh

dynamic=
case $(nix --version) in *" 2.3"[4-9]*) dynamic=yes ;; esac
# build_dynamic ARGS…: nix-build tests/build.nix in mode dynamic, without
# the plugin, with the experimental features RFC 92 needs.
build_dynamic() {
  with_dynamic nix-build --no-out-link "$ROOT/tests/build.nix" --argstr mode dynamic "$@" \
    2> "$TMP/build.log" || { cat "$TMP/build.log" >&2; return 1; }
}

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
  # Mode "ifd" is the default without the plugin; asked for, it works with it too.
  [ "$(gg_build --arg src "$src" --argstr mode ifd)" = "$ifd" ] || fail "$fixture: mode = \"ifd\" with the plugin differs"
  outs=("$plugin" "$ifd" "$(build_ifd --arg src "$src" --argstr mode monolithic)") modes="plugin, ifd, monolithic"
  if [ -n "$dynamic" ]; then
    outs+=("$(build_dynamic --arg src "$src")") modes="$modes and dynamic"
  fi
  go_build_ref "$src" "$TMP/$fixture.ref"
  for out in "${outs[@]}"; do
    [ "$(sha "$out/bin/$fixture")" = "$(sha "$TMP/$fixture.ref")" ] || fail "$fixture: $out/bin/$fixture differs from go build's"
  done
  say "ok: $fixture: modes $modes give bin/$fixture = go build's ($(sha "$TMP/$fixture.ref"))"
done

# instantiate plugin|ifd ARGS…: nix-instantiate tests/build.nix ARGS… with
# the plugin (mode plugin) or without it (mode ifd, plain Nix); prints the
# .drv path, and fails, showing why, if nix-instantiate does.
instantiate() {
  local with=()
  [ "$1" = plugin ] && with=(--plugin-files "$PLUGIN")
  shift
  nix-instantiate "${with[@]}" "$ROOT/tests/build.nix" "$@" > "$TMP/drv.txt" 2> "$TMP/instantiate.log" &&
    grep -q '^/nix/store/.*\.drv$' "$TMP/drv.txt" || { cat "$TMP/instantiate.log" >&2; return 1; }
  cat "$TMP/drv.txt"
}
# One description of each unit, resolved the same way by the plugin (in Go)
# and by mode ifd (nixexpr/units.nix): the program's .drv, and so every
# derivation below it, is the same in both modes.
cp -r tests/fixtures/cgo "$TMP/cgo"
for fixture in multi deps cgo; do
  args=(--arg src "$TMP/$fixture")
  [ "$fixture" = cgo ] && args+=(--arg env '{ CGO_ENABLED = 1; }')
  attrs=("")
  [ "$fixture" = deps ] && attrs+=('packages."github.com/google/uuid"')
  for attr in "${attrs[@]}"; do
    with_attr=("${args[@]}")
    [ -n "$attr" ] && with_attr+=(-A "$attr")
    plugin_drv=$(instantiate plugin "${with_attr[@]}") || fail "$fixture: nix-instantiate ${attr:-of the program} in mode plugin failed"
    ifd_drv=$(instantiate ifd "${with_attr[@]}") || fail "$fixture: nix-instantiate ${attr:-of the program} in mode ifd failed"
    [ "$plugin_drv" = "$ifd_drv" ] || fail "$fixture: ${attr:-the program} is $plugin_drv in mode plugin but $ifd_drv in mode ifd"
    say "ok: $fixture: ${attr:-the program} is the same derivation in modes plugin and ifd (${plugin_drv#/nix/store/})"
    [ -z "$attr" ] || module_user=$plugin_drv
  done
done
# A module is a plain input source of its packages' derivations in both
# modes (not the fixed-output derivation mode ifd fetches it with).
refs=$(nix-store -q --references "$module_user")
grep -q -- '-gomod-github.com-google-uuid-v1.6.0$' <<< "$refs" && ! grep -q -- '-gomod-.*\.drv$' <<< "$refs" ||
  fail "github.com/google/uuid's derivation does not have its module as an input source: $refs"
say "ok: github.com/google/uuid's derivation reads its module as a plain store path"

if [ -n "$dynamic" ]; then
  # One leaf edit in mode dynamic: the producer plans again; of the
  # per-package derivations only the leaf, its importers and the link build.
  word="leaf, dynamic $(date +%s%N)"
  sed -i "s/return \"leaf\"/return \"$word\"/" "$TMP/multi/internal/leaf/leaf.go"
  out=$(build_dynamic --arg src "$TMP/multi")
  built_names | grep -E '^go-|-link$' > "$TMP/rebuilt.txt" || true
  multi_leaf_rebuilt > "$TMP/expected.txt"
  diff -u "$TMP/expected.txt" "$TMP/rebuilt.txt" || fail "mode dynamic: a leaf edit rebuilt the wrong packages"
  grep -qF "${word^^}" <<< "$("$out/bin/multi")" || fail "mode dynamic: the edit is not in the binary"
  say "ok: mode dynamic: a leaf edit rebuilt $(wc -l < "$TMP/rebuilt.txt") package/link derivations (leaf, 5 importers, link), $(built_count) in all"

  # The RFC 92 path form of the same program.
  producer=$(with_dynamic nix-instantiate --eval --raw -E \
    "(import $ROOT/tests/build.nix { src = $TMP/multi; mode = \"dynamic\"; }).producer.drvPath" 2>/dev/null)
  with_dynamic nix build --no-link --print-out-paths "$producer^out^out" > "$TMP/path.txt" 2> "$TMP/nixbuild.log" ||
    { cat "$TMP/nixbuild.log"; fail "nix build $producer^out^out failed"; }
  [ "$(sha "$(cat "$TMP/path.txt")/bin/multi")" = "$(sha "$out/bin/multi")" ] || fail "$producer^out^out is not the program"
  say "ok: nix build '${producer##*/}^out^out' gives the same bin/multi"
fi

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
