#!/usr/bin/env bash
# make bench: per-package Nix builds vs plain `go build`, measured in the same
# run on the multi-package fixture and on webapp (~200 packages, mostly std),
# then multi in each mode (plugin, ifd, and dynamic on Nix 2.34): cold and
# after a one-leaf edit, then checkpoint builds (mode monolithic) on multi
# and vegeta. Prints seconds and ratios (nix / go); lower ratios are better.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/nix-env.sh
scripts/host-toolchain.sh build/host-toolchain.nix
. tests/lib.sh

now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.1fx", $1 / $2; else print "-" }'; }
timed() {
  local t0; t0=$(now)
  "$@" > /dev/null 2> "$TMP/timed.err" || { cat "$TMP/timed.err" >&2; echo "bench: $* failed" >&2; return 1; }
  secs "$t0" "$(now)"
}

# outputs ARGS…: every output path of the application's derivations.
outputs() {
  nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval --strict --json -E \
    "let a = import $ROOT/tests/build.nix { $1 }; in
     [ a.outPath ] ++ map (d: d.outPath) (builtins.attrValues a.packages ++ builtins.attrValues a.binaries)" |
    tr -d '[]"' | tr ',' ' '
}

bench() {
  local name=$1 leaf=$2 edit=$3 src="$TMP/$1"
  rm -rf "$src" && cp -r "tests/fixtures/$name" "$src"
  local args="src = $src;"

  local eval_s; eval_s=$(timed nix-instantiate --plugin-files "$PLUGIN" --add-root "$TMP/drv" --indirect \
    "$ROOT/tests/build.nix" --arg src "$src")
  # Cold: none of this program's derivation outputs (std included) in the store.
  nix-store --delete $(outputs "$args") > /dev/null 2>&1 || true
  local nix_cold; nix_cold=$(timed gg_build --arg src "$src")
  local drvs; drvs=$(built_count)
  rm -rf "$TMP/gocache"
  local go_cold; go_cold=$(timed go_bench "$src")

  # The edit's text is new on every run, so the store cannot hold its result.
  sed -i "s/$edit/$edit + \"$(date +%s%N)\"/" "$src/$leaf"
  local nix_edit; nix_edit=$(timed gg_build --arg src "$src")
  local rebuilt; rebuilt=$(built_count)
  built_names | sed 's/^/           rebuilt: /' >&2
  local go_edit; go_edit=$(timed go_bench "$src")
  local nix_noop; nix_noop=$(timed gg_build --arg src "$src")
  local go_noop; go_noop=$(timed go_bench "$src")

  printf '%-8s %-28s %8s %8s %7s\n' "$name" "" "nix(s)" "go(s)" "ratio"
  printf '%-8s %-28s %8s %8s %7s\n' "" "cold ($drvs drvs / empty cache)" "$nix_cold" "$go_cold" "$(ratio "$nix_cold" "$go_cold")"
  printf '%-8s %-28s %8s %8s %7s\n' "" "one-leaf edit ($rebuilt drvs)" "$nix_edit" "$go_edit" "$(ratio "$nix_edit" "$go_edit")"
  printf '%-8s %-28s %8s %8s %7s\n' "" "no-op rebuild" "$nix_noop" "$go_noop" "$(ratio "$nix_noop" "$go_noop")"
  printf '%-8s %-28s %8s\n' "" "evaluation (planning)" "$eval_s"
}

# go_bench DIR: plain go build with the persistent bench cache $TMP/gocache.
go_bench() {
  (cd "$1" && go_env GOCACHE="$TMP/gocache" GOFLAGS=-mod=readonly CGO_ENABLED=0 \
    go build -trimpath -buildvcs=false -ldflags=-buildid= -o "$TMP/go.out" .)
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
  sed -i "s/$edit/$edit + \"$(date +%s%N)\"/" "$src/$leaf"
  local go_edit; go_edit=$(timed go_bench "$src")
  printf '%-8s %-28s %8s %8s %7s\n' "multi" "by mode" "cold(s)" "edit(s)" "ratio"
  printf '%-8s %-28s %8s %8s %7s\n' "" "go build" "$go_cold" "$go_edit" ""
  for mode in "${modes[@]}"; do
    src="$TMP/multi-$mode"
    rm -rf "$src" && cp -r tests/fixtures/multi "$src"
    # A leaf never built before (so no program output can stand in for the
    # build, which mode dynamic would use), and the outputs of every other
    # package deleted.
    sed -i "s/$edit/$edit + \"cold $(date +%s%N)\"/" "$src/$leaf"
    nix-store --delete $(outputs "src = $src;") > /dev/null 2>&1 || true
    [ "$mode" != dynamic ] || nix-store --delete $(dynamic_outputs "$src") > /dev/null 2>&1 || true
    local cold; cold=$(timed mode_build "$mode" --arg src "$src")
    local cold_n; cold_n=$(built_count)
    sed -i "s/$edit/$edit + \"$(date +%s%N)\"/" "$src/$leaf"
    local edited; edited=$(timed mode_build "$mode" --arg src "$src")
    printf '%-8s %-28s %8s %8s %7s  (%s/%s drvs)\n' "" "$mode (cold/edit vs go)" "$cold" "$edited" \
      "$(ratio "$cold" "$go_cold")/$(ratio "$edited" "$go_edit")" "$cold_n" "$(built_count)"
  done
}

echo "nix-gograph bench — $(nix --version), $(nproc) cores, $(date -u +%F)"
bench multi internal/leaf/leaf.go '"leaf"'
bench webapp internal/checksum/checksum.go 'hex.EncodeToString(sum\[:4\])'
bench_modes

# bench_checkpoint NAME DIR LEAF: mode monolithic cold, prepareCheckpointBuild,
# then after appending a function to LEAF: mkCheckpointBuild, the
# per-package build (plugin) and go build with a warm cache.
bench_checkpoint() {
  local name=$1 old=$2 leaf=$3 new="$2-edited"
  local one='[ "." ]'
  build/planner/bin/gograph lock "$old" > "$old/gograph.lock"
  date +%s%N > "$old/BENCH-NONCE" # a new source: nothing of it in the store
  local mono; mono=$(timed nix-build --no-out-link tests/build.nix --arg src "$old" --arg subPackages "$one" --argstr mode monolithic)
  local prep; prep=$(timed nix-build --no-out-link tests/checkpoint.nix -A checkpoint --arg src "$old" --arg args "{ subPackages = $one; }")
  gg_build --arg src "$old" --arg subPackages "$one" --arg doCheck false > /dev/null
  rm -rf "$TMP/gocache"
  go_bench "$old" > /dev/null
  rm -rf "$new" && cp -r "$old" "$new"
  echo "func GographBenchEdit$(date +%s%N)() int { return 1 }" >> "$new/$leaf"
  local ckpt; ckpt=$(timed nix-build --no-out-link tests/checkpoint.nix -A incremental --arg src "$new" \
    --arg checkpointSrc "$old" --arg args "{ subPackages = $one; }")
  local plugin; plugin=$(timed gg_build --arg src "$new" --arg subPackages "$one" --arg doCheck false)
  local go_warm; go_warm=$(timed go_bench "$new")
  printf '%-8s %-28s %8s %8s\n' "$name" "checkpoints (one program)" "nix(s)" "ratio"
  printf '%-8s %-28s %8s %8s\n' "" "monolithic, cold" "$mono" ""
  printf '%-8s %-28s %8s %8s\n' "" "prepareCheckpointBuild" "$prep" ""
  printf '%-8s %-28s %8s %8s\n' "" "leaf edit: mkCheckpointBuild" "$ckpt" "$(ratio "$ckpt" "$go_warm")"
  printf '%-8s %-28s %8s %8s\n' "" "leaf edit: per-package" "$plugin" "$(ratio "$plugin" "$go_warm")"
  printf '%-8s %-28s %8s %8s\n' "" "leaf edit: go build (warm)" "$go_warm" ""
}

rm -rf "$TMP/ck-multi" && cp -r tests/fixtures/multi "$TMP/ck-multi"
bench_checkpoint multi "$TMP/ck-multi" internal/leaf/leaf.go
vegeta=$(go_in "$TMP" mod download -json github.com/tsenart/vegeta/v12@v12.13.0 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
rm -rf "$TMP/ck-vegeta" && cp -r "$vegeta" "$TMP/ck-vegeta" && chmod -R u+w "$TMP/ck-vegeta"
bench_checkpoint vegeta "$TMP/ck-vegeta" lib/lttb/lttb.go
