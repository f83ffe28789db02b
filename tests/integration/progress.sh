# Progress: module downloads are reported through Nix's logger as they
# happen. Evaluating vegeta into an empty store (a fresh chroot store
# holding only the toolchain, with an empty module index and plan cache)
# prints one line per module, `fetching <module>@<version> (i/N)`, at the
# default verbosity: each module go.sum lists exactly once, numbered 1…N in
# order. Nix 2.8 prints exactly that line; Nix 2.34 shows an activity with
# that text (nix-instantiate prints it with "..." appended), started and
# stopped once per module (checked in its internal-json log).
. tests/lib.sh
export XDG_CACHE_HOME="$TMP/xdg-cache"  # no module index, no plan cache

# The module's source, copied out of a private module cache.
dir=$(go_in "$TMP" mod download -json github.com/tsenart/vegeta/v12@v12.13.0 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || fail "go mod download vegeta failed"
src="$TMP/vegeta"
cp -r "$dir" "$src" && chmod -R u+w "$src"

# An empty store but for what evaluation reads: the toolchain and busybox
# (builtins.storePath needs them valid in the store evaluated with).
store="local?root=$TMP/store"
busybox=$(grep -o '/nix/store/[^"]*-busybox[^"]*' build/host-toolchain.nix)
nix copy --no-check-sigs --to "$store" "$GOROOT_STORE" "$busybox" 2> "$TMP/copy.log" ||
  { cat "$TMP/copy.log"; fail "copying the toolchain into the empty store failed"; }
ls "$TMP/store/nix/store" | grep -q gomod- && fail "the empty store holds modules"

# The modules go.sum lists (with or without their content), each once.
sed -n 's|^\([^ ]*\) \([^ /]*\)\(/go.mod\)\{0,1\} h1:.*|\1@\2|p' "$src/go.sum" | sort -u > "$TMP/want.txt"
n=$(wc -l < "$TMP/want.txt")
[ "$n" -gt 10 ] || fail "vegeta's go.sum lists only $n modules"

nix-instantiate --store "$store" --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$src" --arg doCheck false \
  > /dev/null 2> "$TMP/eval.log" || { cat "$TMP/eval.log"; fail "evaluating vegeta into an empty store failed"; }
case $(nix --version) in
  *" 2.8."*) dots= ;;
  *) dots='\.\.\.' ;;  # Nix prints an activity's text so
esac
grep -E "^fetching [^ ]+@[^ ]+ \([0-9]+/[0-9]+\)$dots$" "$TMP/eval.log" > "$TMP/lines.txt" || true
got=$(wc -l < "$TMP/lines.txt")
[ "$got" = "$n" ] || { cat "$TMP/eval.log"; fail "$got progress lines for $n modules"; }
# Numbered 1…N in order, and exactly the modules of go.sum, each once.
awk -v n="$n" '{ if ($3 != "(" NR "/" n ")" && $3 != "(" NR "/" n ")...") { print "line " NR ": " $0; bad = 1 } }
  END { exit bad }' "$TMP/lines.txt" || fail "progress lines are not numbered 1…$n in order"
awk '{ print $2 }' "$TMP/lines.txt" | sort > "$TMP/got.txt"
[ "$(sort -u "$TMP/got.txt" | wc -l)" = "$n" ] || fail "a module is reported twice: $(uniq -d "$TMP/got.txt")"
diff "$TMP/want.txt" "$TMP/got.txt" > "$TMP/diff.txt" || { cat "$TMP/diff.txt"; fail "the modules reported are not go.sum's"; }
[ "$(ls "$TMP/store/nix/store" | grep -c -- '-gomod-')" -gt 0 ] || fail "no module was added to the store"
say "ok: $n progress lines ($(head -1 "$TMP/lines.txt") … $(tail -1 "$TMP/lines.txt")), one per module of go.sum"

# (No second evaluation here: the plugin looks for a module's store path on
# the file system, where a chroot store's paths are not, so in this store it
# would fetch again. tests/integration/deps.sh checks that an evaluation
# with everything in the store prints no line.)

# With -v, planning says what it is doing.
nix-instantiate -v --store "$store" --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$src" --arg doCheck false \
  --option gograph-plan-cache false > /dev/null 2> "$TMP/verbose.log" || { cat "$TMP/verbose.log"; fail "evaluating vegeta with -v failed"; }
for step in "running go list and go build -n" "writing [0-9]+ sources and [0-9]+ derivations"; do
  grep -Eq "^planning github.com/tsenart/vegeta/v12: $step($dots)?$" "$TMP/verbose.log" ||
    { grep -i planning "$TMP/verbose.log"; fail "-v does not say: planning …: $step"; }
done
say "ok: with -v, planning says it runs go and writes the derivations"

# Nix 2.34: each download is an activity (what `nix build`'s progress bar
# shows), started and stopped once; a small module keeps it quick.
case $(nix --version) in *" 2.8."*) exit 0 ;; esac
export XDG_CACHE_HOME="$TMP/xdg-cache-2"
cp -r tests/fixtures/deps "$TMP/deps"
nix eval --store "$store" --plugin-files "$PLUGIN" --log-format internal-json --raw --impure \
  --expr "(import $ROOT/tests/build.nix { src = $TMP/deps; }).drvPath" > /dev/null 2> "$TMP/json.log" ||
  { cat "$TMP/json.log"; fail "nix eval of tests/fixtures/deps failed"; }
id=$(sed -n 's/^@nix \(.*"action":"start".*"text":"fetching github.com\/google\/uuid@v1.6.0 (1\/1)".*\)$/\1/p' "$TMP/json.log" |
  grep -o '"id":[0-9]*' | cut -d: -f2)
[ "$(wc -w <<< "$id")" = 1 ] || { cat "$TMP/json.log"; fail "no single activity fetching github.com/google/uuid@v1.6.0 (1/1)"; }
grep -q "\"action\":\"stop\",\"id\":$id[,}]" "$TMP/json.log" || grep -q "\"id\":$id,.*\"action\":\"stop\"\|\"action\":\"stop\".*\"id\":$id[,}]" "$TMP/json.log" ||
  { cat "$TMP/json.log"; fail "the activity fetching github.com/google/uuid was not stopped"; }
say "ok: Nix 2.34 shows the download as an activity (id $id), started and stopped"
