# The flake: `nix flake show` lists lib, overlays, packages, apps, checks
# and hydraJobs, and `nix flake check` (pure evaluation, no --impure)
# builds the checks: the std-only fixtures through the plugin with the
# toolchain the flake fetches itself (Go from the Go module proxy, busybox
# from Debian), each equal to go build's, and the overlay on a minimal
# package set. The first run downloads and assembles that toolchain and
# builds ~220 derivations for the checks and ~130 for two hydraJobs (about
# 4 minutes on 2 cores); later runs find everything in the store (~10 s).
# `--option plugin-files` goes before the subcommand: Nix 2.8 loads plugins
# before it reads a subcommand's options. On Nix 2.34, `nix run .#gograph --
# lock DIR` builds the gograph command with the flake's own
# buildGoApplication (its modules fetched by the plugin, checked against
# go.sum) and prints what build/planner/bin/gograph prints. hydraJobs
# (flake/hydra-jobs.nix): `nix flake check` evaluates them as Hydra does,
# import from derivation refused; the hello job is built through the plugin
# and the multi job without it (mode ifd), giving the same derivation.
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

# hydraJobs: job, then system (Hydra's layout), for the fixtures the flake's
# toolchain builds and for each check. Each job line is followed by its
# system's line naming the derivation.
awk '/^(├|└)───/ { inside = /───hydraJobs$/ } inside' "$TMP/show.txt" > "$TMP/show-hydra.txt"
grep -q -- '───checks$' "$TMP/show-hydra.txt" || { cat "$TMP/show.txt" >&2; fail "nix flake show does not list hydraJobs.checks"; }
jobs="hello:hello-0 multi:multi-0 webapp:webapp-0 quoting:quoting-0 deps:deps-0 workspace:workspace-0
  hello:gograph-check-hello multi:gograph-check-multi webapp:gograph-check-webapp overlay:gograph-check-overlay-hello"
for job in $jobs; do
  grep -A1 -- "───${job%%:*}\$" "$TMP/show-hydra.txt" | grep -q -- "───x86_64-linux: derivation '${job#*:}'\$" ||
    { cat "$TMP/show.txt" >&2; fail "nix flake show does not list a hydraJobs job ${job%%:*}.x86_64-linux of derivation ${job#*:}"; }
done
count=$(grep -c -- "───x86_64-linux: derivation '" "$TMP/show-hydra.txt" || true)
[ "$count" = 10 ] || { cat "$TMP/show.txt" >&2; fail "nix flake show lists $count hydraJobs, not 10"; }
say "ok: nix flake show lists hydraJobs.<job>.x86_64-linux for hello, multi, webapp, quoting, deps, workspace and checks.{hello,multi,webapp,overlay}"

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
# It evaluates hydraJobs first, refusing import from derivation as Hydra
# may; Nix 2.34 logs each job it checks (2.8 does not).
case $(nix --version) in
*" 2.3"[4-9]*)
  jobs_checked=$(grep -c "^checking derivation hydraJobs\." "$TMP/check.log" || true)
  [ "$jobs_checked" = 10 ] || { cat "$TMP/check.log" >&2; fail "nix flake check checked $jobs_checked hydraJobs, not 10"; }
  say "ok: nix flake check evaluated the 10 hydraJobs (import from derivation refused)"
  ;;
esac

# Each check's output states the hash both builds share.
nix_flake --option plugin-files "$PLUGIN" eval --json "path:$TMP/flake#checks.x86_64-linux" \
  --apply 'checks: builtins.mapAttrs (name: check: check.outPath) checks' > "$TMP/checks.json"
for check in hello multi webapp overlay; do
  out=$(grep -o "\"$check\":\"[^\"]*\"" "$TMP/checks.json" | cut -d'"' -f4)
  [ -f "$out" ] || fail "no output for check $check"
  say "ok: $check: $(cat "$out")"
  [ "$check" != hello ] || hello_check=$out
  [ "$check" != multi ] || multi_check=$out
done

# hydraJobs.hello through the plugin: its binary runs and is the one the
# hello check found equal to go build's.
start=$(date +%s)
job="path:$TMP/flake#hydraJobs.hello.x86_64-linux"
nix_flake --option plugin-files "$PLUGIN" build --no-link "$job" 2> "$TMP/job-hello.log" ||
  { cat "$TMP/job-hello.log" >&2; fail "nix build .#hydraJobs.hello.x86_64-linux failed"; }
out=$(nix_flake --option plugin-files "$PLUGIN" eval --raw "$job.outPath") || fail "hydraJobs.hello: no outPath"
[ "$("$out/bin/hello")" = "hello, world" ] || fail "hydraJobs.hello: bin/hello does not print hello, world"
grep -q "sha256 $(sha "$out/bin/hello")," "$hello_check" ||
  fail "hydraJobs.hello: bin/hello is not the binary of the hello check ($(cat "$hello_check"))"
say "ok: nix build .#hydraJobs.hello.x86_64-linux: $(grep -c "^building '/nix/store/" "$TMP/job-hello.log" || true) derivations built; bin/hello runs and is go build's binary ($(( $(date +%s) - start ))s)"

# hydraJobs.multi without the plugin, as an evaluator that cannot load it
# builds it: mode ifd, the planner built by plain go build. The same
# derivation as the plugin's (no evaluation cache: the two evaluations are
# compared). Not a job with third-party modules: mode ifd fetches them in
# fixed-output derivations trusting the planner's compiled-in CA roots,
# and this machine's network presents a CA of its own (the library's
# cacert argument, which this flake's jobs do not pass).
start=$(date +%s)
job="path:$TMP/flake#hydraJobs.multi.x86_64-linux"
nix_flake build --no-link "$job" 2> "$TMP/job-multi.log" ||
  { cat "$TMP/job-multi.log" >&2; fail "nix build .#hydraJobs.multi.x86_64-linux without the plugin failed"; }
[ "$(nix_flake --option eval-cache false eval "$job.graph" --apply 'graph: graph ? planDerivation')" = true ] ||
  fail "hydraJobs.multi without the plugin was not planned by a derivation (mode ifd)"
out=$(nix_flake --option eval-cache false eval --raw "$job.outPath") || fail "hydraJobs.multi: no outPath"
"$out/bin/multi" > /dev/null || fail "hydraJobs.multi: bin/multi does not run"
grep -q "sha256 $(sha "$out/bin/multi")," "$multi_check" ||
  fail "hydraJobs.multi: bin/multi is not the binary of the multi check ($(cat "$multi_check"))"
drv=$(nix_flake --option eval-cache false eval --raw "$job.drvPath") || fail "hydraJobs.multi: no drvPath without the plugin"
plugin_drv=$(nix_flake --option eval-cache false --option plugin-files "$PLUGIN" eval --raw "$job.drvPath") ||
  fail "hydraJobs.multi: no drvPath with the plugin"
[ "$plugin_drv" = "$drv" ] || fail "hydraJobs.multi: $drv without the plugin, $plugin_drv with it"
say "ok: nix build .#hydraJobs.multi.x86_64-linux without the plugin (mode ifd): $(grep -c "^building '/nix/store/" "$TMP/job-multi.log" || true) derivations built; bin/multi runs and is go build's binary; the plugin gives the same .drv ($(( $(date +%s) - start ))s)"

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
