#!/bin/sh
# Checks the Nix client of scripts/nix-client.sh in the build sandbox, with
# RFC 92 dynamic derivations (Nix 2.34 only). A producer is a text-hashed CA
# derivation (name ending .drv) with requiredSystemFeatures = [ "recursive-nix" ];
# its build, with the client and the NIX_REMOTE the sandbox gives it,
#   a. adds a directory (a build script and a greeting) with `nix store add`,
#   b. adds derivations with `nix derivation add` (JSON, version 4), run by
#      busybox with the script from (a), each one after its dependencies,
#   c. copies the last .drv to $out: the output IS that derivation.
# Producer `single` adds one derivation; `dag` adds leaf, mid (leaf) and top
# (leaf, mid), the shape of Nix's own non-trivial dyn-drv test.
#   1. nix build --expr 'builtins.outputOf producer.outPath "out"' (single)
#      and nix build 'PRODUCER.drv^out^out' (dag) build the producer, then
#      what it produced; the outputs hold the expected tree and greeting;
#   2. the producer's output is the very .drv the client added, referring to
#      the added directory and derivations: they stay while it is alive, and
#      are garbage (deletable) once it is not.
# Usage, from the repository root:
#   tests/with-nix 2.34 bash tests/tools/nix-client-check.sh [build/nix-2.34/host-toolchain.nix]
set -eu
cd "$(dirname "$0")/../.."
. tests/nix-env.sh
export NIX_CONFIG="$NIX_CONFIG
extra-experimental-features = dynamic-derivations ca-derivations recursive-nix"
tc=${1:-build/nix-2.34/host-toolchain.nix}
scripts/host-toolchain.sh "$tc"
busybox=$(grep -o '/nix/store/[^"]*-busybox-static' "$tc")
client=$(scripts/nix-client.sh "$busybox")
echo "nix-client-check: client $client ($(du -sh "$client" | cut -f1))"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "nix-client-check: FAIL: $*" >&2; exit 1; }

mkdir -p "$tmp/src/payload"
# The producer's builder (busybox sh). Every derivation of $dag
# ("name:dep,dep …", dependencies first) gets the added directory as a
# source, its dependencies as input derivations and their outputs in $deps;
# its output path is left to `nix derivation add` (input-addressed: "out": {}
# in outputs and "out": "" in env, as the `derivation` builtin hashes them).
cat > "$tmp/src/producer.sh" <<'PRODUCER'
set -eu
export PATH=$client/bin:$busybox/bin HOME=$TMPDIR
export NIX_CONFIG='extra-experimental-features = nix-command'
cp -r "$src/payload" "$TMPDIR/payload"
chmod -R u+w "$TMPDIR/payload"
echo "hello from nix-client-check $nonce" > "$TMPDIR/payload/hello.txt"
payload=$(nix store add --name ncc-payload "$TMPDIR/payload")
echo "producer: added $payload"
for spec in $dag; do
  name=${spec%%:*} drvs="" outs=""
  for d in $(echo "${spec#*:}" | tr , ' '); do
    drv=$(cat "$TMPDIR/$d.drvpath")
    drvs="$drvs${drvs:+,}\"${drv##*/}\":{\"outputs\":[\"out\"],\"dynamicOutputs\":{}}"
    outs="$outs${outs:+ }$(nix-store -q --outputs "$drv")"
  done
  cat > "$TMPDIR/$name.json" <<JSON
{"version": 4, "name": "$name", "system": "$system",
 "builder": "$busybox/bin/sh", "args": ["$payload/build.sh"],
 "env": {"out": "", "name": "$name", "payload": "$payload", "deps": "$outs", "PATH": "$busybox/bin"},
 "inputs": {"srcs": ["${busybox##*/}", "${payload##*/}"], "drvs": {$drvs}},
 "outputs": {"out": {}}}
JSON
  drv=$(nix derivation add < "$TMPDIR/$name.json")
  echo "producer: added $drv"
  echo "$drv" > "$TMPDIR/$name.drvpath"
done
cp "$drv" "$out"
PRODUCER
# The builder of the produced derivations: $out/tree is "name(dep-tree …)".
cat > "$tmp/src/payload/build.sh" <<'BUILD'
set -eu
mkdir "$out"
cp "$payload/hello.txt" "$out/hello"
tree="$name(" sep=""
for d in $deps; do tree="$tree$sep$(cat "$d/tree")"; sep=" "; done
echo "$tree)" > "$out/tree"
BUILD
nonce=$(date +%s.%N) # new paths every time
cat > "$tmp/producers.nix" <<NIX
let
  busybox = builtins.storePath "$busybox";
  client = builtins.storePath "$client";
  src = builtins.path { path = $tmp/src; name = "nix-client-check-src"; };
  producer = top: dag: derivation {
    # The .drv the client adds for top is …-top.drv; named so, the output
    # is that same store object (same name, text and references).
    name = "\${top}.drv";
    system = builtins.currentSystem;
    builder = "\${busybox}/bin/sh";
    args = [ "\${src}/producer.sh" ];
    inherit busybox client src dag;
    nonce = "$nonce";
    requiredSystemFeatures = [ "recursive-nix" ];
    __contentAddressed = true;
    outputHashMode = "text";
    outputHashAlgo = "sha256";
  };
in
{
  single = producer "ncc-hello" "ncc-hello:";
  dag = producer "ncc-top" "ncc-leaf: ncc-mid:ncc-leaf ncc-top:ncc-leaf,ncc-mid";
}
NIX
hello="hello from nix-client-check $nonce"

# 1. Build what the producers produce, both ways.
single=$(nix build --impure --print-out-paths --out-link "$tmp/single" \
  --expr "builtins.outputOf (import $tmp/producers.nix).single.outPath \"out\"")
[ "$(cat "$single/tree")" = "ncc-hello()" ] || fail "$single/tree: $(cat "$single/tree")"
[ "$(cat "$single/hello")" = "$hello" ] || fail "$single/hello: $(cat "$single/hello")"
echo "nix-client-check: outputOf single → $single: $(cat "$single/tree")"
dag_drv=$(nix-instantiate "$tmp/producers.nix" -A dag 2>/dev/null)
top=$(nix build --print-out-paths --out-link "$tmp/top" "$dag_drv^out^out" 2>"$tmp/err") ||
  { cat "$tmp/err" >&2; fail "nix build $dag_drv^out^out"; }
want="ncc-top(ncc-leaf() ncc-mid(ncc-leaf()))"
[ "$(cat "$top/tree")" = "$want" ] || fail "$top/tree: $(cat "$top/tree")"
[ "$(cat "$top/hello")" = "$hello" ] || fail "$top/hello: $(cat "$top/hello")"
echo "nix-client-check: $dag_drv^out^out → $top: $(cat "$top/tree")"

# 2. What the producer added stays as long as its output does.
top_drv=$(nix build --print-out-paths --out-link "$tmp/top-drv" "$dag_drv^out")
added=$(nix log "$dag_drv" 2>/dev/null | sed -n 's/.*producer: added //p')
echo "$added" | grep -qx "$top_drv" || fail "the producer's output $top_drv is not the .drv it added"
refs=$(nix-store -q --references "$top_drv")
for p in $added; do
  [ "$p" = "$top_drv" ] || echo "$refs" | grep -qx "$p" || fail "$top_drv does not refer to $p"
done
payload=$(echo "$added" | grep -- -ncc-payload)
nix-store --delete "$payload" >/dev/null 2>"$tmp/err" && fail "$payload was deleted while $top_drv is alive"
grep -q 'still alive' "$tmp/err" || { cat "$tmp/err" >&2; fail "nix-store --delete $payload"; }
outs=$(echo "$added" | grep '\.drv$' | xargs nix-store -q --outputs)
echo "nix-client-check: $top_drv refers to the $(echo "$added" | wc -l) paths the producer added"

# Then all of it is garbage: delete it (and the producers' own paths).
rm "$tmp/single" "$tmp/top" "$tmp/top-drv"
single_drv=$(nix-instantiate "$tmp/producers.nix" -A single 2>/dev/null)
single_added=$(nix log "$single_drv" 2>/dev/null | sed -n 's/.*producer: added //p')
NIX_CONFIG="$NIX_CONFIG
keep-derivations = false" nix-store --delete $outs "$single" $added $single_added \
  "$single_drv" "$dag_drv" >/dev/null 2>"$tmp/err" ||
  { cat "$tmp/err" >&2; fail "what the producers added is not garbage"; }
for p in $added $single_added; do
  ! nix-store --check-validity "$p" 2>/dev/null || fail "$p is still valid"
done
nix-store --delete "$(dirname "$busybox")"/*-nix-client-check-src >/dev/null 2>&1 || true
echo "nix-client-check: ok (all of it was garbage once no root held the producers' outputs)"
