#!/usr/bin/env bash
# The plan cache (setting gograph-plan-cache) never gives another plan than
# a fresh one. tests/tools/editfuzz writes random sequences of edited copies
# of three fixtures (200 edits: function bodies, imports added and removed,
# files added and deleted, build tags flipped, embedded and test files
# changed, the go directive and go.sum changed). One evaluation plans every
# copy in order with the cache, starting empty; a copy it missed was
# planned afresh, so each copy it had a plan for is planned again with the
# cache off, and the drvPaths must be the same. Some plans must have come
# from the cache, and a copy differing only in function bodies must be one.
. tests/lib.sh

go build -o "$TMP/editfuzz" ./tests/tools/editfuzz || fail "building tests/tools/editfuzz failed"

# Seeds differ per Nix version, so the two runs try different edits;
# GOGRAPH_FUZZ_SEED explores others.
case $(nix --version) in *" 2.8"*) seed=28 ;; *) seed=234 ;; esac
seed=${GOGRAPH_FUZZ_SEED:-$seed}
say "seed $seed"

# fixture NAME EDITS DOCHECK: the copies of NAME, as Nix list elements,
# appended to copies.
copies=() k=0
fixture() {
  k=$((k + 1))
  "$TMP/editfuzz" "$seed$k" "$2" "tests/fixtures/$1" "$TMP/$1" || fail "editfuzz $1 failed"
  local i
  for i in $(seq 0 "$2"); do
    copies+=("{ src = $TMP/$1/$i; doCheck = $3; }")
  done
}
fixture multi 110 false
fixture features 60 false
fixture tested 30 true

# drvpaths OUT ARGS… -- COPY…: evaluates the drvPaths of each copy's
# program, packages, binaries and test runs into OUT, one line per copy,
# with the plan messages in OUT.log; plans are kept under $xdg.
xdg=$TMP/xdg
drvpaths() {
  local out=$1; shift
  local opts=() expr
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  expr="let
    drvs = args: let a = import $ROOT/tests/build.nix args; in
      builtins.concatStringsSep \" \" ([ a.drvPath ] ++ map (d: d.drvPath)
        (builtins.attrValues a.packages ++ builtins.attrValues a.binaries ++ builtins.attrValues a.tests));
  in builtins.concatStringsSep \"\\n\" (map drvs [ $* ])"
  XDG_CACHE_HOME="$xdg" nix-instantiate -v "${opts[@]}" --plugin-files "$PLUGIN" --read-write-mode --eval --strict \
    --json -E "$expr" > "$out.json" 2> "$out.log" || { tail -30 "$out.log" >&2; fail "evaluation ${opts[*]} failed"; }
  # Nix prints the JSON string with \n escapes (2.34 adds a newline).
  sed -e 's/^"//' -e 's/"$//' -e 's/\\n/\n/g' "$out.json" | awk 'NF' > "$out"
}

# With the cache, starting empty (the module index is kept: it is not
# what is tested, and it spares downloads).
mkdir -p "$TMP/xdg/nix-gograph"
[ ! -d "${XDG_CACHE_HOME:-$HOME/.cache}/nix-gograph/modules" ] ||
  cp -r "${XDG_CACHE_HOME:-$HOME/.cache}/nix-gograph/modules" "$TMP/xdg/nix-gograph/"
start=$(date +%s)
drvpaths "$TMP/cached" -- "${copies[@]}"
n=${#copies[@]}
[ "$(wc -l < "$TMP/cached")" -eq "$n" ] || fail "expected $n copies planned, got $(wc -l < "$TMP/cached")"
# One message per plan, in the order of the copies.
grep 'builtins.goPackageGraph: planned ' "$TMP/cached.log" > "$TMP/plans.txt" || true
[ "$(wc -l < "$TMP/plans.txt")" -eq "$n" ] || fail "expected $n plans, got $(wc -l < "$TMP/plans.txt")"
mapfile -t hits < <(grep -n '(cached plan)' "$TMP/plans.txt" | cut -d: -f1)
say "$n copies, $((n - 3)) edits: ${#hits[@]} plans from the cache, $((n - ${#hits[@]})) made afresh ($(( $(date +%s) - start )) s)"
[ "${#hits[@]}" -gt 0 ] && [ "${#hits[@]}" -lt "$n" ] || fail "expected both cached and fresh plans (${#hits[@]} of $n cached)"

# A copy the cache missed was planned afresh: each copy the cache had a
# plan for is planned again, afresh, and must give the same drvPaths.
start=$(date +%s)
again=()
for i in "${hits[@]}"; do again+=("${copies[$((i - 1))]}"); done
drvpaths "$TMP/fresh" --option gograph-plan-cache false -- "${again[@]}"
! grep -q '(cached plan)' "$TMP/fresh.log" || fail "gograph-plan-cache = false still used the cache"
j=0
for i in "${hits[@]}"; do
  j=$((j + 1))
  if [ "$(sed -n "${i}p" "$TMP/cached")" != "$(sed -n "${j}p" "$TMP/fresh")" ]; then
    say "copy $i (${copies[$((i - 1))]}) differs; the edits:"
    cat "$TMP"/{multi,features,tested}/edits.log >&2
    fail "a cached plan differs from a fresh one (seed $seed)"
  fi
done
say "ok: the ${#hits[@]} cached plans equal fresh ones ($(( $(date +%s) - start )) s)"

# A body edit alone reuses the plan: every body edit of multi (no tests,
# embeds or cgo there; copy i is plan i + 1).
for body in $(awk '$2 == "body" { print $1 }' "$TMP/multi/edits.log"); do
  sed -n "$((body + 1))p" "$TMP/plans.txt" | grep -q '(cached plan)' ||
    fail "multi's copy $body (a body edit) was planned afresh: $(sed -n "$((body + 1))p" "$TMP/plans.txt")"
done
say "ok: every body edit of multi reused the plan"

# Another process finds the plans (the plugin's code is identified, so
# plans are kept on disk): multi's first copy, twice, with a cache of its
# own.
mkdir -p "$TMP/xdg2"
xdg=$TMP/xdg2
drvpaths "$TMP/first" -- "${copies[0]}"
drvpaths "$TMP/again" -- "${copies[0]}"
grep -q '(cached plan)' "$TMP/again.log" || { cat "$TMP/again.log"; fail "a new evaluation did not reuse the plan on disk"; }
[ "$(cat "$TMP/again")" = "$(sed -n 1p "$TMP/cached")" ] || fail "the plan on disk gives other derivations"
say "ok: a new evaluation reuses the plan kept on disk"
