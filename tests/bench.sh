#!/usr/bin/env bash
# make bench: per-package Nix builds against plain `go build` (same
# toolchain, same run) on four programs: tests/fixtures/multi,
# tests/fixtures/webapp, vegeta (270 packages) and caddy (1017 packages, std
# included). For each: a cold build of every derivation of the program, a
# no-op, a leaf body edit, a deep body edit, a leaf edit adding an import,
# the first build and the leaf and deep edits with content-addressed
# compiles (early cutoff), mode monolithic with checkpoints for the same leaf edit, and evaluation
# alone with the plan cache missing and hitting. Then multi in each mode
# (plugin, ifd, and dynamic on Nix 2.34) and Nix's fixed cost per
# derivation; webapp through a remote builder over ssh against built here,
# and a program built from a binary cache of another program's packages.
# Prints seconds, derivations built and ratios (nix / go);
# lower ratios are better. Every edit carries a nonce, so the store never
# holds its result.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/nix-env.sh
scripts/host-toolchain.sh build/host-toolchain.nix
. tests/lib.sh

BENCH_START=$(date +%s)
FAILED=0
# Module downloads of the go builds persist across runs (the Nix side has
# its modules in the store), so no cold `go build` downloads anything.
GOMODCACHE_BENCH=$(PATH=$GOROOT_STORE/bin:$PATH GOTOOLCHAIN=local go env GOMODCACHE)
# Lock files for mode monolithic (`gograph lock` downloads every module of
# go.sum), one per go.sum.
LOCKS=${CACHE:-$HOME/.cache/nix-gograph}/bench-locks
mkdir -p "$GOMODCACHE_BENCH" "$LOCKS"

# The big program: caddy, 1017 packages with the standard library
# (CGO_ENABLED=0), 46 of them its own.
CADDY=github.com/caddyserver/caddy/v2@v2.11.9
VEGETA=github.com/tsenart/vegeta/v12@v12.13.0

now() { date +%s.%N; }
nonce() { date +%s%N; }
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
# ratio NIX GO: NIX / GO, or "-" when either is not a number.
ratio() {
  case "$1 $2" in *[!0-9.\ ]* | *" " | " "*) echo "-" ;;
  *) echo "$1 $2" | awk '{ if ($2 > 0) printf "%.1fx", $1 / $2; else print "-" }' ;;
  esac
}

# timed CMD…: CMD's seconds on stdout (its output dropped), or FAIL (its
# error on stderr, and the bench exits non-zero at the end).
timed() {
  local t0; t0=$(now)
  if "$@" > /dev/null 2> "$TMP/timed.err"; then
    secs "$t0" "$(now)"
  else
    tail -30 "$TMP/timed.err" >&2
    [ ! -s "$TMP/build.log" ] || tail -30 "$TMP/build.log" >&2
    echo "bench: failed: $*" >&2
    echo FAIL
  fi
}

# note_fail SECONDS…: counts each FAIL among SECONDS in FAILED.
note_fail() {
  local v
  for v in "$@"; do [ "$v" != FAIL ] || FAILED=$((FAILED + 1)); done
}

# plan_status LOG: "hit" or "miss" for the plan cache, from the plugin's
# -v message "builtins.goPackageGraph: planned …" ("(cached plan)" on a
# hit); "-" without the message.
plan_status() {
  if grep -q 'goPackageGraph: planned .*(cached plan)' "$1"; then echo hit
  elif grep -q 'goPackageGraph: planned ' "$1"; then echo miss
  else echo -; fi
}

# go_bench DIR [PKG [GOCACHE]]: plain go build of PKG (default ".") in DIR
# with the build cache GOCACHE (default $TMP/gocache).
go_bench() {
  (cd "$1" && go_env GOCACHE="${3:-$TMP/gocache}" GOMODCACHE="$GOMODCACHE_BENCH" GOFLAGS=-mod=readonly \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags=-buildid= -o "$TMP/go.out" "${2:-.}")
}

# fetch_module MODULE@VERSION NAME: the module's source, from the bench's
# module cache, copied to a writable directory printed on stdout.
fetch_module() {
  local dir copy="$TMP/src-$2"
  dir=$(cd "$TMP" && go_env GOMODCACHE="$GOMODCACHE_BENCH" GOFLAGS=-mod=mod go mod download -json "$1" |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || { echo "bench: go mod download $1 failed" >&2; return 1; }
  rm -rf "$copy" && cp -r "$dir" "$copy" && chmod -R u+w "$copy"
  echo "$copy"
}

# edit_body FILE PATTERN: appends a nonce to the first string PATTERN (a sed
# regular expression matching a string literal inside a function body)
# matches: a body-only change.
edit_body() {
  local n; n=$(nonce)
  sed -i "0,/$2/s//& + \"-bench$n\"/" "$1"
  grep -q "bench$n" "$1" || { echo "bench: /$2/ is not in $1" >&2; return 1; }
}

# edit_import FILE: adds a blank import of a standard package FILE does not
# import yet (one every program here already depends on), with a nonce in
# a comment on it (the plan cache keys on a file's whole import block, so
# this misses it), and a function with the nonce: the package's imports,
# so the plan, change.
edit_import() {
  local n pkg; n=$(nonce)
  for pkg in strconv unicode/utf8 sort bytes; do grep -q "\"$pkg\"" "$1" || break; done
  sed -i "0,/^package /s|^package .*|&\nimport _ \"$pkg\" // bench $n|" "$1"
  grep -q "^import _ \"$pkg\"" "$1" || { echo "bench: could not add an import to $1" >&2; return 1; }
  printf '\nfunc gographBench%s() string { return "%s" }\n' "$n" "$n" >> "$1"
  echo "$pkg"
}

# Table rows: a case's seconds through Nix and go build, their ratio, the
# derivations it built and the plan cache's answer.
header() { printf '%-47s %8s %8s %7s %6s %5s\n' "$1" "nix(s)" "go(s)" "ratio" "built" "plan"; }
row() { printf '         %-38s %8s %8s %7s %6s %5s\n' "$1" "$2" "${3:--}" "$(ratio "$2" "${3:-}")" "${4:--}" "${5:--}"; }
note() { printf '         %s\n' "$*"; }

# program NAME SRC PKG LEAF LEAF_PATTERN DEEP DEEP_PATTERN: the program the
# cases below measure: the main package PKG of the module in SRC (left
# unedited; the cases edit a copy), LEAF a file of a package few others
# import, DEEP one of a package most of the module's packages import, with
# the string each body edit changes.
program() {
  P_NAME=$1 P_PRISTINE=$2 P_PKG=$3 P_LEAF=$4 P_LEAF_PATTERN=$5 P_DEEP=$6 P_DEEP_PATTERN=$7
  P_SRC="$TMP/$P_NAME"
  P_GOCACHE="$TMP/gocache-$P_NAME"
  P_ARGS=(--arg subPackages "[ \"$P_PKG\" ]" --arg doCheck false)
  rm -rf "$P_SRC" "$P_GOCACHE" && cp -r "$P_PRISTINE" "$P_SRC"
  # Any module go build needs is downloaded now, not during its cold build.
  (cd "$P_SRC" && go_env GOMODCACHE="$GOMODCACHE_BENCH" GOCACHE="$TMP/gocache-scratch" GOFLAGS=-mod=readonly \
    CGO_ENABLED=0 go list -deps "$P_PKG" > /dev/null)
}

# p_build [ARGS…]: nix-build of the program (-v, for the plan cache's
# message), log in $TMP/build.log.
p_build() { gg_build -v --arg src "$P_SRC" "${P_ARGS[@]}" "$@"; }

# p_instantiate [ARGS…]: nix-instantiate of the program, log in
# $TMP/build.log; prints the .drv.
p_instantiate() {
  nix-instantiate -v --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$P_SRC" "${P_ARGS[@]}" "$@" \
    2> "$TMP/build.log" || { cat "$TMP/build.log" >&2; return 1; }
}

# case_eval: evaluation alone: a plan cache miss (gograph-plan-cache
# false), then a second evaluation with the cache on (a hit). Sets P_DRV,
# P_EVAL_MISS and the program's size (P_PACKAGES, P_DRVS).
case_eval() {
  local st_miss st_hit
  # Untimed first: modules fetched into the store, the plan cached.
  p_instantiate --option gograph-plan-cache true > /dev/null
  P_EVAL_MISS=$(timed p_instantiate --option gograph-plan-cache false)
  st_miss=$(plan_status "$TMP/build.log")
  P_PACKAGES=$(sed -n 's/.*goPackageGraph: planned .*: \([0-9]*\) packages.*/\1/p' "$TMP/build.log" | head -1)
  P_EVAL_HIT=$(timed p_instantiate --option gograph-plan-cache true)
  st_hit=$(plan_status "$TMP/build.log")
  P_DRV=$(p_instantiate --option gograph-plan-cache true)
  # The program's derivations: every package's and the link's, and the
  # result's; not gograph-builder's (the builder, shared by every program).
  nix-store -qR "$P_DRV" | grep '\.drv$' | grep -v -- '-gograph-builder\.drv$' > "$TMP/$P_NAME.drvs"
  P_DRVS=$(wc -l < "$TMP/$P_NAME.drvs")
  EVAL_ROWS=$(row "evaluation alone, plan cache off" "$P_EVAL_MISS" "" "" "$st_miss"
    row "evaluation alone, plan cache on" "$P_EVAL_HIT" "" "" "$st_hit")
  note_fail "$P_EVAL_MISS" "$P_EVAL_HIT"
}

# case_cold: every derivation of the program built, against go build with
# an empty cache. If the store lacks all of them, nix-store --realise
# builds them; otherwise they are made valid first and then all rebuilt by
# nix-store --realise --check (which also checks each is reproducible).
# Cold through Nix = evaluation with a plan cache miss + that build.
case_cold() {
  local t0 build_s=FAIL built first how differ go_cold
  t0=$(now)
  if nix-store --realise "$P_DRV" > /dev/null 2> "$TMP/cold.log"; then build_s=$(secs "$t0" "$(now)"); fi
  first=$(grep "^building '/nix/store/" "$TMP/cold.log" | grep -vc -- '-gograph-builder\.drv' || true)
  if [ "$build_s" != FAIL ] && [ "$first" = "$P_DRVS" ]; then
    built=$first how="none was in the store: nix-store --realise built all $P_DRVS"
  else
    t0=$(now)
    # shellcheck disable=SC2046
    nix-store --realise --check --keep-going $(cat "$TMP/$P_NAME.drvs") > /dev/null 2> "$TMP/cold.log" || true
    build_s=$(secs "$t0" "$(now)")
    built=$(grep -c "^checking outputs of '/nix/store/" "$TMP/cold.log" || true)
    differ=$(grep -c 'may not be deterministic' "$TMP/cold.log" || true)
    how="nix-store --realise --check rebuilt $built of the $P_DRVS ($first built first to have outputs to check"
    how+=", $differ not reproducible)"
    [ "$built" = "$P_DRVS" ] || { how+=" — NOT ALL REBUILT"; FAILED=$((FAILED + 1)); grep -i error "$TMP/cold.log" | head >&2; }
  fi
  rm -rf "$P_GOCACHE"
  go_cold=$(timed go_bench "$P_SRC" "$P_PKG" "$P_GOCACHE")
  P_GO_COLD=$go_cold
  P_NIX_COLD=$(echo "$P_EVAL_MISS $build_s" | awk '{ printf "%.2f", $1 + $2 }')
  row "cold (eval + every drv built)" "$P_NIX_COLD" "$go_cold" "$built" miss
  NOTES+=("cold: evaluation $P_EVAL_MISS s (plan cache off) + build $build_s s; $how")
  note_fail "$go_cold"
}

# case_noop: evaluation and build with nothing changed.
case_noop() {
  local nix go
  nix=$(timed p_build)
  local built status; built=$(built_count) status=$(plan_status "$TMP/build.log")
  go=$(timed go_bench "$P_SRC" "$P_PKG" "$P_GOCACHE")
  row "no-op" "$nix" "$go" "$built" "$status"
  note_fail "$nix" "$go"
}

# case_edit TAG LABEL body|import FILE [PATTERN] [-- NIX-BUILD ARGS…]:
# FILE edited (edit_body or edit_import), then the program built through
# Nix (with the extra arguments) and by go build with a warm cache; the
# derivations built are listed on stderr, under TAG, after the table.
# Sets P_GO_EDIT to go build's seconds.
case_edit() {
  local tag=$1 label=$2 kind=$3 file=$4 pattern=${5:-} nix go built status what
  shift 4; [ $# = 0 ] || shift; [ "${1:-}" != -- ] || shift
  case $kind in
  body) edit_body "$P_SRC/$file" "$pattern" ;;
  import) what=$(edit_import "$P_SRC/$file") || return 1; label+=" ($what)" ;;
  esac
  nix=$(timed p_build "$@")
  built=$(built_count) status=$(plan_status "$TMP/build.log")
  built_names | sed "s|^|  $P_NAME, $tag: built |" >> "$TMP/$P_NAME.built"
  go=$(timed go_bench "$P_SRC" "$P_PKG" "$P_GOCACHE")
  P_GO_EDIT=$go
  row "$label" "$nix" "$go" "$built" "$status"
  note_fail "$nix" "$go"
}

# pkg_dir FILE: the directory of FILE's package, for labels.
pkg_dir() { case $1 in */*) dirname "$1" ;; *) echo "root package" ;; esac; }

# case_leaf: a body-only edit of the leaf. Sets P_GO_LEAF (go build's
# seconds, for the checkpoint rows).
case_leaf() {
  case_edit leaf "leaf body edit ($(pkg_dir "$P_LEAF"))" body "$P_LEAF" "$P_LEAF_PATTERN"
  P_GO_LEAF=$P_GO_EDIT
}

# case_deep [NIX-BUILD ARGS…]: a body-only edit of the deep package; a
# variant (content-addressed derivations, say) is one more call with its
# nix-build arguments and a label suffix in DEEP_LABEL.
# shellcheck disable=SC2120
case_deep() {
  case_edit "deep${DEEP_LABEL:-}" "deep body edit ($(pkg_dir "$P_DEEP"))${DEEP_LABEL:-}" body "$P_DEEP" "$P_DEEP_PATTERN" -- "$@"
}

# case_ca: the program content-addressed (ca-derivations on, so the plugin
# makes every compile a floating content-addressed derivation): its first
# build (new derivations: every compile runs), then a leaf and a deep body
# edit, where an unchanged export data stops the rebuild (early cutoff).
case_ca() {
  local nix
  nix=$(NIX_CONFIG="$NIX_CONFIG"$'\n'"extra-experimental-features = ca-derivations" timed p_build)
  row "content-addressed: first build" "$nix" "$P_GO_COLD" "$(built_count)" "$(plan_status "$TMP/build.log")"
  note_fail "$nix"
  NIX_CONFIG="$NIX_CONFIG"$'\n'"extra-experimental-features = ca-derivations" \
    case_edit "leaf, CA" "leaf body edit, content-addressed" body "$P_LEAF" "$P_LEAF_PATTERN"
  DEEP_LABEL=", content-addressed" NIX_CONFIG="$NIX_CONFIG"$'\n'"extra-experimental-features = ca-derivations" case_deep
}

# case_import: the leaf gains an import (the plan changes).
case_import() { case_edit import "leaf import edit" import "$P_LEAF"; }

# lock_for DIR: DIR/gograph.lock for mode monolithic, from the bench's
# cache of lock files (one per go.sum).
lock_for() {
  local key lock
  [ -f "$1/go.sum" ] || return 0 # no third-party modules: no lock file
  key=$(sha256sum < "$1/go.sum" | cut -c1-32)
  lock="$LOCKS/$key.lock"
  [ -s "$lock" ] || { build/planner/bin/gograph lock "$1" > "$lock.tmp" && mv "$lock.tmp" "$lock"; }
  cp "$lock" "$1/gograph.lock"
}

# ck_build ARGS…: nix-build without the plugin (mode monolithic), log in
# $TMP/build.log.
ck_build() { nix-build --no-out-link "$@" 2> "$TMP/build.log"; }

# case_checkpoint: mode monolithic (one derivation running go build) cold,
# prepareCheckpointBuild, then the leaf body edit built by mkCheckpointBuild
# (against go build after the same edit, P_GO_LEAF), without tests, as the
# plugin's builds of the bench. Third-party modules
# (fixed-output derivations in this mode) are fetched before the timing.
case_checkpoint() {
  local old="$TMP/$P_NAME-ckpt" new="$TMP/$P_NAME-ckpt-edited" one="[ \"$P_PKG\" ]" nocheck="--arg doCheck false"
  local mono_drv mono prep ckpt
  rm -rf "$old" && cp -r "$P_PRISTINE" "$old"
  lock_for "$old"
  nonce > "$old/BENCH-NONCE" # a new source: nothing of it in the store
  mono_drv=$(nix-instantiate "$ROOT/tests/build.nix" --arg src "$old" --arg subPackages "$one" $nocheck --argstr mode monolithic 2>/dev/null)
  # shellcheck disable=SC2046
  nix-store --realise $(nix-store -qR "$mono_drv" | grep -- '-gomod-.*\.drv$') > /dev/null 2>&1 || true
  mono=$(timed ck_build tests/build.nix --arg src "$old" --arg subPackages "$one" $nocheck --argstr mode monolithic)
  row "monolithic cold" "$mono" "$P_GO_COLD" "$(built_count)" -
  prep=$(timed ck_build tests/checkpoint.nix -A checkpoint --arg src "$old" --arg args "{ subPackages = $one; doCheck = false; }")
  row "prepareCheckpointBuild" "$prep" "$P_GO_COLD" "$(built_count)" -
  rm -rf "$new" && cp -r "$old" "$new"
  edit_body "$new/$P_LEAF" "$P_LEAF_PATTERN"
  ckpt=$(timed ck_build tests/checkpoint.nix -A incremental --arg src "$new" \
    --arg checkpointSrc "$old" --arg args "{ subPackages = $one; doCheck = false; }")
  row "leaf body edit: mkCheckpointBuild" "$ckpt" "$P_GO_LEAF" "$(built_count)" -
  note_fail "$mono" "$prep" "$ckpt"
}

# bench_program NAME SRC PKG LEAF LEAF_PATTERN DEEP DEEP_PATTERN [WHAT]:
# every case on one program (WHAT, default tests/fixtures/NAME), as one
# table.
bench_program() {
  local t0 what=${8:-tests/fixtures/$1} n; t0=$(date +%s)
  NOTES=()
  program "${@:1:7}"
  : > "$TMP/$P_NAME.built"
  case_eval
  header "$P_NAME"
  note "$what $P_PKG: ${P_PACKAGES:-?} packages (std included), $P_DRVS derivations"
  case_cold
  case_noop
  case_leaf
  # shellcheck disable=SC2119
  case_deep
  case_import
  case_ca
  case_checkpoint
  echo "$EVAL_ROWS"
  for n in "${NOTES[@]}"; do note "$n"; done
  note "go(s): go build with an empty cache (cold), then warm after the same edit; $P_NAME took $(( $(date +%s) - t0 )) s"
  cat "$TMP/$P_NAME.built" >&2
}

# outputs ARGS…: every output path of the application's derivations.
outputs() {
  nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval --strict --json -E \
    "let a = import $ROOT/tests/build.nix { $1 }; in
     [ a.outPath ] ++ map (d: d.outPath) (builtins.attrValues a.packages ++ builtins.attrValues a.binaries)" |
    tr -d '[]"' | tr ',' ' '
}

# mode_build MODE ARGS…: build tests/build.nix in MODE (ifd and dynamic
# without the plugin).
mode_build() {
  local mode=$1; shift
  case $mode in
  plugin) gg_build "$@" ;;
  ifd) nix-build --no-out-link "$ROOT/tests/build.nix" "$@" 2> "$TMP/build.log" ;;
  dynamic) with_dynamic nix-build --no-out-link "$ROOT/tests/build.nix" \
    --argstr mode dynamic "$@" 2> "$TMP/build.log" ;;
  esac
}

# dynamic_outputs DIR: the outputs of the derivations mode dynamic produced
# for DIR the last time (its per-package derivations name the toolchain and
# the builder as plain store paths, so they are not the plugin's). DIR's
# program is built first if it never was.
dynamic_outputs() {
  local producer produced
  producer=$(with_dynamic nix-instantiate -E \
    "(import $ROOT/tests/build.nix { src = $1; mode = \"dynamic\"; }).producer" 2>/dev/null) || return 0
  produced=$(with_dynamic nix build --no-link --print-out-paths "$producer^out" 2>/dev/null) || return 0
  nix-store -qR "$produced" | grep '\.drv$' | xargs nix-store -q --outputs 2>/dev/null | grep -v '\.drv$' || true
}

# bench_modes: the multi fixture, cold and after a leaf edit, in each mode.
bench_modes() {
  local modes=(plugin ifd) leaf=internal/leaf/leaf.go edit='"leaf"'
  case $(nix --version) in *" 2.3"[4-9]*) modes+=(dynamic) ;; esac
  local src="$TMP/multi-go"
  rm -rf "$src" && cp -r tests/fixtures/multi "$src"
  rm -rf "$TMP/gocache"
  local go_cold; go_cold=$(timed go_bench "$src")
  sed -i "s/$edit/$edit + \"$(nonce)\"/" "$src/$leaf"
  local go_edit; go_edit=$(timed go_bench "$src")
  printf '%-8s %-28s %8s %8s %7s\n' "multi" "by mode" "cold(s)" "edit(s)" "ratio"
  printf '%-8s %-28s %8s %8s %7s\n' "" "go build" "$go_cold" "$go_edit" ""
  for mode in "${modes[@]}"; do
    src="$TMP/multi-$mode"
    rm -rf "$src" && cp -r tests/fixtures/multi "$src"
    # A leaf never built before (so no program output can stand in for the
    # build, which mode dynamic would use), and the outputs of every other
    # package deleted.
    sed -i "s/$edit/$edit + \"cold $(nonce)\"/" "$src/$leaf"
    # shellcheck disable=SC2046
    nix-store --delete $(outputs "src = $src;") > /dev/null 2>&1 || true
    # shellcheck disable=SC2046
    [ "$mode" != dynamic ] || nix-store --delete $(dynamic_outputs "$src") > /dev/null 2>&1 || true
    local cold; cold=$(timed mode_build "$mode" --arg src "$src")
    local cold_n; cold_n=$(built_count)
    sed -i "s/$edit/$edit + \"$(nonce)\"/" "$src/$leaf"
    local edited; edited=$(timed mode_build "$mode" --arg src "$src")
    printf '%-8s %-28s %8s %8s %7s  (%s/%s drvs)\n' "" "$mode (cold/edit vs go)" "$cold" "$edited" \
      "$(ratio "$cold" "$go_cold")/$(ratio "$edited" "$go_edit")" "$cold_n" "$(built_count)"
    note_fail "$cold" "$edited"
  done
}

# realise_timed JOBS DRV…: seconds nix-store --realise takes for DRV… with
# max-jobs JOBS; its log in $TMP/build.log.
realise_timed() {
  local jobs=$1; shift
  timed realise_logged --max-jobs "$jobs" "$@"
}

# realise_logged ARGS…: nix-store --realise ARGS…, its log in $TMP/build.log.
realise_logged() { nix-store --realise "$@" 2> "$TMP/build.log"; }

# bench_fixed_cost: N trivial independent derivations (tests/bench/trivial.nix)
# built with max-jobs 1 and auto, with the project's builder and with a
# static busybox sh: Nix's fixed cost per derivation.
bench_fixed_cost() {
  local n=40 builder jobs drvs s
  printf '%-47s %8s %8s %6s\n' "fixed cost per derivation ($n trivial)" "total(s)" "s/drv" "built"
  for builder in gograph busybox; do
    for jobs in 1 auto; do
      drvs=$(nix-instantiate tests/bench/trivial.nix --argstr nonce "$(nonce)" --arg n "$n" --argstr builder "$builder" 2>/dev/null)
      # shellcheck disable=SC2086
      s=$(realise_timed "$jobs" $drvs)
      printf '         %-38s %8s %8s %6s\n' "$builder builder, max-jobs $jobs" "$s" \
        "$(echo "$s $n" | awk '{ if ($1 + 0 > 0) printf "%.3f", $1 / $2; else print "-" }')" "$(built_count)"
      note_fail "$s"
    done
  done
}

# store_build ROOT ARGS…: nix-build tests/build.nix ARGS… with the plugin
# into the chroot store at ROOT, its log in $TMP/build.log.
store_build() {
  local root=$1; shift
  nix-build --store "local?root=$root" --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" "$@" \
    > /dev/null 2> "$TMP/build.log"
}

# bench_remote: webapp built cold on this machine against cold through a
# remote builder (tests/remote.sh: sshd on localhost, a plain Nix on its own
# store), so the difference is the cost of going remote. Cold: both
# evaluating stores and the remote store are new, empty chroot stores
# holding only the toolchain, busybox and the action builder; evaluation
# hits the plan cache in both.
bench_remote() {
  . tests/remote.sh
  start_remote
  local src=$TMP/webapp-remote local_out local_s remote_s n_local n_remote
  rm -rf "$src" && cp -r tests/fixtures/webapp "$src"
  local_out=$(gg_build --arg src "$src" --arg doCheck false)
  fresh_store "$TMP/cold-local" "$local_out"
  fresh_store "$TMP/cold-remote" "$local_out"
  local_s=$(timed store_build "$TMP/cold-local" --arg src "$src" --arg doCheck false)
  n_local=$(built_count)
  remote_s=$(timed store_build "$TMP/cold-remote" --arg src "$src" --arg doCheck false --option max-jobs 0 \
    --option builders "$REMOTE_BUILDERS" --option builders-use-substitutes false)
  n_remote=$(grep -c "^building '/nix/store/[^']*\.drv' on '" "$TMP/build.log" || true)
  stop_remote
  printf '%-47s %8s %8s %6s\n' "webapp through a remote builder ($REMOTE_SCHEME)" "nix(s)" "s/drv" "built"
  printf '         %-38s %8s %8s %6s\n' "cold, built here (max-jobs auto)" "$local_s" \
    "$(echo "$local_s $n_local" | awk '{ if ($2 > 0) printf "%.3f", $1 / $2; else print "-" }')" "$n_local"
  printf '         %-38s %8s %8s %6s\n' "cold, every drv on the remote (max-jobs 0)" "$remote_s" \
    "$(echo "$remote_s $n_remote" | awk '{ if ($2 > 0) printf "%.3f", $1 / $2; else print "-" }')" "$n_remote"
  note "remote overhead: $(echo "$remote_s $local_s $n_remote" | awk '{ if ($3 > 0) printf "%.3f", ($1 - $2) / $3; else print "-" }') s per derivation (ssh, copying inputs and outputs, one machine: no added capacity)"
  note_fail "$local_s" "$remote_s"
}

# bench_cache: the workspace fixture built in a fresh store whose only
# substituter is a signed file:// binary cache holding the outputs of the
# deps fixture's build (which share std and github.com/google/uuid),
# against the same build in a fresh store with no substituter. Both fresh
# stores are new, empty chroot stores holding only the toolchain, busybox,
# the action builder and uuid's module (which the plugin's evaluation
# reads); evaluation hits the plan cache in both.
bench_cache() {
  . tests/remote.sh
  local deps=$TMP/cache-deps ws=$TMP/cache-ws cache=$TMP/bench-cache drv1 out module s kind cached_s cold_s \
    fetched built cold_built
  rm -rf "$deps" "$ws" "$cache" && cp -r tests/fixtures/deps "$deps" && cp -r tests/fixtures/workspace "$ws"
  drv1=$(nix-instantiate --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$deps" --arg doCheck false \
    2> "$TMP/cache.log") || { cat "$TMP/cache.log" >&2; fail "bench cache: evaluating deps failed"; }
  nix-store --realise "$drv1" > /dev/null 2> "$TMP/cache.log" ||
    { tail -20 "$TMP/cache.log" >&2; fail "bench cache: building deps failed"; }
  nix-store --generate-binary-cache-key bench-cache-1 "$TMP/bench-cache.sec" "$TMP/bench-cache.pub"
  # shellcheck disable=SC2046
  nix copy --to "file://$cache?secret-key=$TMP/bench-cache.sec&compression=zstd" \
    $(nix-store -qR "$drv1" | grep '\.drv$' | xargs nix-store -q --outputs) 2> "$TMP/cache.log" ||
    { tail -20 "$TMP/cache.log" >&2; fail "bench cache: copying deps' outputs to the cache failed"; }
  out=$(gg_build --arg src "$ws" --arg doCheck false)
  module=$(nix-store -qR "$drv1" | grep -- '-gomod-github.com-google-uuid-v1.6.0$') ||
    fail "bench cache: no uuid module in the closure of $drv1"
  for kind in cached cold; do
    fresh_store "$TMP/bench-$kind" "$out"
    nix copy --no-check-sigs --to "local?root=$TMP/bench-$kind" "$module" 2> "$TMP/cache.log" ||
      { cat "$TMP/cache.log" >&2; fail "bench cache: copying $module into a fresh store failed"; }
  done
  cached_s=$(timed store_build "$TMP/bench-cached" --arg src "$ws" --arg doCheck false \
    --option substituters "file://$cache" --option require-sigs true --option trusted-public-keys "$(cat "$TMP/bench-cache.pub")")
  fetched=$(grep -c "^copying path '[^']*' from 'file://" "$TMP/build.log" || true)
  built=$(built_count)
  cold_s=$(timed store_build "$TMP/bench-cold" --arg src "$ws" --arg doCheck false)
  cold_built=$(built_count)
  printf '%-47s %8s %8s %6s\n' "workspace after deps, fresh store" "nix(s)" "fetched" "built"
  printf '         %-38s %8s %8s %6s\n' "signed binary cache of deps' build" "$cached_s" "$fetched" "$built"
  printf '         %-38s %8s %8s %6s\n' "no substituter (every drv built)" "$cold_s" "-" "$cold_built"
  note "the cache holds the outputs of deps' build ($(du -sh "$cache" | cut -f1)); only the workspace's own packages and links are built"
  note_fail "$cached_s" "$cold_s"
}

# want PART: whether to run PART (fixed, multi, webapp, modes, remote,
# cache, vegeta, caddy); BENCH_ONLY="multi caddy" runs only those, by default
# all.
want() { case " ${BENCH_ONLY:-fixed multi webapp modes remote cache vegeta caddy} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

echo "nix-gograph bench — $(nix --version), $(nproc) cores, $(date -u +%F)"
# (Each part runs in an if's body, not after || or &&, where set -e
# would not stop a failing command inside it.)
if want fixed; then bench_fixed_cost; fi
if want multi; then
  bench_program multi tests/fixtures/multi . internal/version/version.go '"1\.0 ("' internal/leaf/leaf.go '"leaf"'
fi
if want webapp; then
  bench_program webapp tests/fixtures/webapp . internal/render/render.go '"application\/json"' \
    internal/checksum/checksum.go 'hex\.EncodeToString(sum\[:4\])'
fi
if want modes; then bench_modes; fi
if want remote; then bench_remote; fi
if want cache; then bench_cache; fi
if want vegeta; then
  src=$(fetch_module "$VEGETA" vegeta)
  bench_program vegeta "$src" . internal/resolver/resolver.go \
    '"must specify at least resolver address"' lib/attack.go '"X-Vegeta-Attack"' "$VEGETA"
fi
if want caddy; then
  src=$(fetch_module "$CADDY" caddy)
  bench_program caddy "$src" ./cmd/caddy modules/caddyfs/filesystem.go \
    '"loading file system module: %v"' caddy.go '"loading new config: %v"' "$CADDY"
fi
echo "bench took $(( $(date +%s) - BENCH_START )) s"
[ "$FAILED" = 0 ] || { echo "bench: $FAILED measurements failed" >&2; exit 1; }
