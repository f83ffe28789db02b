# The flake: `nix flake show` lists lib, overlays, packages, apps and
# checks, and `nix flake check` (pure evaluation, no --impure) builds the checks: the
# std-only fixtures through the plugin with the toolchain the flake fetches
# itself (Go from the Go module proxy, busybox from Debian), each equal to
# go build's, and the overlay on a minimal package set. The first run
# downloads and assembles that toolchain and builds ~220 derivations (about
# 2.5 minutes on 2 cores); later runs find everything in the store (~10 s).
# `--option plugin-files` goes before the subcommand: Nix 2.8 loads plugins
# before it reads a subcommand's options. On Nix 2.34, `nix run .#gograph --
# lock DIR` builds the gograph command with the flake's own
# buildGoApplication (its modules fetched by the plugin, checked against
# go.sum) and prints what build/planner/bin/gograph prints.
. tests/lib.sh

nix_flake() { nix --extra-experimental-features 'nix-command flakes' "$@"; }

# The flake as a user's checkout has it: the repository's files without
# build/ (a path: flake is copied whole to the store).
mkdir "$TMP/flake"
tar -C "$ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$TMP/flake" -xf -

# Listing the outputs needs no plugin and builds nothing.
nix_flake flake show "path:$TMP/flake" 2> "$TMP/show.log" | sed 's/\x1b\[[0-9;]*m//g' > "$TMP/show.txt" ||
  { cat "$TMP/show.log" >&2; fail "nix flake show failed"; }
for output in lib overlays default packages go busybox gograph apps checks hello multi webapp overlay; do
  grep -Eq -- "───$output(:|$)" "$TMP/show.txt" || { cat "$TMP/show.txt" >&2; fail "nix flake show does not list $output"; }
done
say "ok: nix flake show lists lib, overlays.default, packages (go, busybox, gograph), apps (gograph) and checks (hello, multi, webapp, overlay)"

# Without the plugin, the checks (and the gograph package and app) fail
# saying what they need.
if nix_flake flake check "path:$TMP/flake" > "$TMP/noplugin.log" 2>&1; then
  fail "nix flake check passed without the plugin"
fi
grep -q "build through the plugin: nix --option plugin-files" "$TMP/noplugin.log" ||
  { cat "$TMP/noplugin.log" >&2; fail "nix flake check without the plugin: not the expected error"; }
say "ok: without the plugin, nix flake check fails naming --option plugin-files"

# The busybox is fixed-output, and the same store path as the one
# scripts/host-toolchain.sh adds, so the checks may never build it: rebuild
# it from Debian's package (through flake/deb-extract) and compare.
start=$(date +%s)
nix-build --check --no-out-link "$TMP/flake/flake/toolchain.nix" --argstr system x86_64-linux -A busybox \
  > /dev/null 2> "$TMP/busybox.log" || { cat "$TMP/busybox.log" >&2; fail "busybox from Debian's package differs"; }
say "ok: busybox rebuilt from Debian's busybox-static package has the pinned hash ($(( $(date +%s) - start ))s)"

start=$(date +%s)
nix_flake --option plugin-files "$PLUGIN" flake check "path:$TMP/flake" 2> "$TMP/check.log" ||
  { cat "$TMP/check.log" >&2; fail "nix flake check failed"; }
say "ok: nix flake check: $(grep -c "^building '/nix/store/" "$TMP/check.log" || true) derivations built ($(( $(date +%s) - start ))s)"

# Each check's output states the hash both builds share.
nix_flake --option plugin-files "$PLUGIN" eval --json "path:$TMP/flake#checks.x86_64-linux" \
  --apply 'checks: builtins.mapAttrs (name: check: check.outPath) checks' > "$TMP/checks.json"
for check in hello multi webapp overlay; do
  out=$(grep -o "\"$check\":\"[^\"]*\"" "$TMP/checks.json" | cut -d'"' -f4)
  [ -f "$out" ] || fail "no output for check $check"
  say "ok: $check: $(cat "$out")"
done

# nix run .#gograph (Nix 2.34): the command the flake builds with its own
# buildGoApplication, static, prints the lock build/planner/bin/gograph
# prints.
case $(nix --version) in
*" 2.3"[4-9]*)
  dir=$ROOT/tests/fixtures/deps
  start=$(date +%s)
  nix_flake --option plugin-files "$PLUGIN" run "path:$TMP/flake#gograph" -- lock "$dir" > "$TMP/run-lock.json" 2> "$TMP/run.log" ||
    { cat "$TMP/run.log" >&2; fail "nix run .#gograph -- lock $dir failed"; }
  "$ROOT/build/planner/bin/gograph" lock "$dir" > "$TMP/planner-lock.json" || fail "build/planner/bin/gograph lock $dir failed"
  cmp -s "$TMP/run-lock.json" "$TMP/planner-lock.json" ||
    { diff "$TMP/planner-lock.json" "$TMP/run-lock.json" >&2; fail "nix run .#gograph -- lock $dir differs from build/planner/bin/gograph's"; }
  grep -q '"github.com/google/uuid@v1.6.0"' "$TMP/run-lock.json" || fail "nix run .#gograph -- lock $dir: no github.com/google/uuid"
  bin=$(nix_flake --option plugin-files "$PLUGIN" eval --raw "path:$TMP/flake#gograph.outPath")/bin/gograph
  if readelf -l "$bin" | grep -q INTERP; then fail "$bin is not static (it has an ELF interpreter)"; fi
  say "ok: nix run .#gograph -- lock tests/fixtures/deps prints what build/planner/bin/gograph prints; the command is static ($(( $(date +%s) - start ))s)"
  # Its source is go.mod, go.sum and gobridge's Go files without tests:
  # other edits leave the package as it was.
  drv=$(nix_flake --option plugin-files "$PLUGIN" eval --raw "path:$TMP/flake#gograph.drvPath")
  echo >> "$TMP/flake/README.md"
  echo "// edited" >> "$TMP/flake/gobridge/lock/check_test.go"
  [ "$(nix_flake --option plugin-files "$PLUGIN" eval --raw "path:$TMP/flake#gograph.drvPath")" = "$drv" ] ||
    fail "editing README.md and a test file changed the gograph package"
  say "ok: editing README.md and a Go test file leaves the gograph package's .drv as it was"
  ;;
*) say "skipped: nix run .#gograph runs on Nix 2.34 only, this is $(nix --version)" ;;
esac
