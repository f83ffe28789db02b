# Checkpoint builds (mode "monolithic"): prepareCheckpointBuild keeps Go's
# build cache; mkCheckpointBuild of an edited program compiles only the
# edited package and its importers (counted from go build -v) and gives the
# binary a build from scratch and go build give. A checkpoint from other tags
# or another toolchain, or a damaged one, still gives the right binary; a
# directory that is not a checkpoint is an error naming it.
. tests/lib.sh

old="$TMP/multi-old" new="$TMP/multi-new"
cp -r tests/fixtures/multi "$old"
cp -r tests/fixtures/multi "$new"
sed -i "s/return \"leaf\"/return \"leaf, edited $(date +%s%N)\"/" "$new/internal/leaf/leaf.go"
go_build_ref "$new" "$TMP/multi.ref"

# cp_build ATTR ARGS…: nix-build one attribute of tests/checkpoint.nix.
cp_build() {
  local attr=$1; shift
  nix-build --no-out-link "$ROOT/tests/checkpoint.nix" -A "$attr" --arg src "$new" --arg checkpointSrc "$old" "$@" \
    2> "$TMP/build.log" || { cat "$TMP/build.log" >&2; return 1; }
}
# compiled: the packages the last build's go build -v compiled, sorted.
compiled() {
  sed -n '/^gograph: restored/,/^gograph: go build compiled/p' "$TMP/build.log" | grep -E '^[A-Za-z0-9._/-]+$' | sort
}

checkpoint=$(cp_build checkpoint)
[ -f "$checkpoint/checkpoint/record.json" ] && [ -d "$checkpoint/checkpoint/gocache" ] || fail "the checkpoint has no build cache"
say "checkpoint: $(find "$checkpoint/checkpoint/gocache" -type f | wc -l) cache files ($(du -sh "$checkpoint/checkpoint/gocache" | cut -f1))"
scratch=$(cp_build scratch)
incremental=$(cp_build incremental)
compiled > "$TMP/compiled.txt"
printf '%s\n' example.com/multi example.com/multi/internal/app example.com/multi/internal/base \
  example.com/multi/internal/leaf example.com/multi/internal/left example.com/multi/internal/right > "$TMP/expected.txt"
diff -u "$TMP/expected.txt" "$TMP/compiled.txt" || fail "mkCheckpointBuild compiled the wrong packages"
say "ok: after a leaf edit mkCheckpointBuild compiled $(wc -l < "$TMP/compiled.txt") packages: the leaf and its 5 importers"
for out in "$scratch" "$incremental"; do
  [ "$(sha "$out/bin/multi")" = "$(sha "$TMP/multi.ref")" ] || fail "$out/bin/multi differs from go build's"
done
say "ok: the checkpoint build, the build from scratch and go build give the same bin/multi ($(sha "$TMP/multi.ref"))"

# Other tags: the cache misses where the flags differ; the binary is right.
incremental=$(cp_build incremental --arg checkpointArgs '{ tags = [ "other" ]; gcflags = [ "-N" ]; }')
[ "$(sha "$incremental/bin/multi")" = "$(sha "$TMP/multi.ref")" ] || fail "a checkpoint with other tags gave another binary"
say "ok: a checkpoint built with other tags and gcflags gives the right binary (compiled $(compiled | wc -l))"

# Another toolchain: Go 1.25.4 from the module proxy.
go125=$(scripts/proxy-toolchain.sh 1.25.4) || fail "could not download go1.25.4"
incremental=$(cp_build incremental --argstr checkpointGo "$go125")
[ "$(sha "$incremental/bin/multi")" = "$(sha "$TMP/multi.ref")" ] || fail "a checkpoint of go1.25.4 gave another binary"
say "ok: a checkpoint built by go1.25.4 gives the right binary (compiled $(compiled | wc -l): the cache missed)"

# Damaged checkpoints: the damaged entries are left out, the binary is right.
for damage in truncate corrupt; do
  case $damage in truncate) what=truncated ;; corrupt) what="overwritten bytes in" ;; esac
  incremental=$(cp_build incremental --argstr damage "$damage")
  [ "$(sha "$incremental/bin/multi")" = "$(sha "$TMP/multi.ref")" ] || fail "a $damage-damaged checkpoint gave another binary"
  say "ok: a checkpoint with $what cache files gives the right binary ($(grep -o '[0-9]* damaged' "$TMP/build.log"), compiled $(compiled | wc -l))"
done
if cp_build incremental --argstr damage record > /dev/null 2>&1; then fail "a checkpoint without its record built"; fi
grep -q 'checkpoint /nix/store/[a-z0-9]*-damaged-checkpoint is not a checkpoint of prepareCheckpointBuild' "$TMP/build.log" ||
  { cat "$TMP/build.log"; fail "no clear error for a checkpoint without its record"; }
say "ok: a checkpoint without its record is an error naming it"
expect_eval_error "let g = import $ROOT/nixexpr (import $ROOT/build/host-toolchain.nix); in (g.prepareCheckpointBuild (import $ROOT/tests/build.nix { src = $old; })).drvPath" \
  'prepareCheckpointBuild: app-0 is not a buildGoApplication with mode = "monolithic"'
