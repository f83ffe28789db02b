# Remote builders: the per-package derivations of the webapp fixture are
# built on a second Nix store reached over SSH, as a build farm builds them.
# The test starts its own sshd on a free local port with throwaway keys
# (tests/remote.sh); the evaluating side has the plugin and an empty store
# of its own, `max-jobs = 0` and `builders` (ssh:// on Nix 2.8, ssh-ng:// on
# 2.34) naming the remote side, a plain Nix (no plugin) serving another
# empty store. Every derivation is built there (counted in the remote
# store), and the binary equals the local build's and go build's. No sshd
# is left running.
. tests/lib.sh
. tests/remote.sh

start_remote
say "ok: sshd on 127.0.0.1:$REMOTE_PORT with a throwaway key"

src=$TMP/webapp
cp -r tests/fixtures/webapp "$src"
# The local build (in this machine's store), for comparison.
local_out=$(gg_build --arg src "$src" --arg doCheck false) || fail "the local build of webapp failed"
# The evaluating side: an empty store but for the toolchain, busybox and
# the action builder, so every per-package derivation of webapp is new.
local_root=$TMP/local
fresh_store "$local_root" "$local_out"

start=$(date +%s.%N)
out=$(nix-build --store "local?root=$local_root" --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" \
  --arg src "$src" --arg doCheck false --option max-jobs 0 --option builders "$REMOTE_BUILDERS" \
  --option builders-use-substitutes false 2> "$TMP/build.log") ||
  { tail -40 "$TMP/build.log" >&2; cat "$REMOTE_SSH_DIR/sshd.log" >&2; fail "building webapp through the remote builder failed"; }
secs=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')

# Every derivation built was built on the remote side (Nix 2.34 also
# forwards the remote's own "building" line), and its outputs are valid in
# the remote store.
sed -n "s|^building '\(/nix/store/[^']*\.drv\)'.*|\1|p" "$TMP/build.log" | sort -u > "$TMP/built.txt"
sed -n "s|^building '\(/nix/store/[^']*\.drv\)' on '$REMOTE_SCHEME://gograph-remote.*|\1|p" "$TMP/build.log" |
  sort -u > "$TMP/built-remote.txt"
n=$(wc -l < "$TMP/built.txt")
[ "$n" -gt 50 ] || { cat "$TMP/build.log" >&2; fail "only $n derivations were built"; }
diff "$TMP/built.txt" "$TMP/built-remote.txt" > /dev/null ||
  fail "$(wc -l < "$TMP/built-remote.txt") of the $n derivations built were built on the remote builder"
outputs=$(nix-store --store "local?root=$local_root" -q --outputs $(cat "$TMP/built.txt")) ||
  fail "querying the outputs of the built derivations failed"
n_out=$(wc -l <<< "$outputs")
[ "$n_out" -ge "$n" ] || fail "the $n built derivations have $n_out outputs"
valid=$(nix-store --store "local?root=$REMOTE_ROOT" -q --hash $outputs 2> "$TMP/remote-q.log" | grep -c '^sha256:' || true)
[ "$valid" = "$n_out" ] || { cat "$TMP/remote-q.log" >&2; fail "the remote store holds $valid of the $n_out outputs"; }
say "ok: all $n derivations built on $REMOTE_SCHEME://gograph-remote in ${secs}s; their $valid outputs are valid in the remote store"
grep -q -- "--serve\|--stdio" "$REMOTE_LOG" || fail "the remote side was not run as a store server"
plugins=$(grep '^plugin-files ' "$REMOTE_LOG") || fail "the remote side did not log its plugin-files setting"
[ "$plugins" = "plugin-files = " ] || fail "the remote side ran with a plugin: $plugins"
say "ok: the remote side ran plain $REMOTE_CMD ($(grep -v '^plugin-files ' "$REMOTE_LOG" | head -1 | cut -d' ' -f2-)), $plugins"

# The binary equals the local build's and go build's.
remote_built=$local_root$out/bin/webapp
[ -f "$remote_built" ] || fail "$out/bin/webapp is not in the evaluating side's store"
go_build_ref "$src" "$TMP/webapp.ref"
[ "$(sha "$remote_built")" = "$(sha "$local_out/bin/webapp")" ] || fail "bin/webapp built remotely differs from the local build"
[ "$(sha "$remote_built")" = "$(sha "$TMP/webapp.ref")" ] || fail "bin/webapp built remotely differs from go build's"
say "ok: bin/webapp built remotely = the local build = go build ($(sha "$TMP/webapp.ref"))"

# sshd, its sessions and the shared connection all end: sshd's pid and
# children are taken before stopping it; ssh processes are found by the
# test's ssh directory (the -F argument, or the shared connection's socket
# in its process title; pgrep exits 1 when nothing matches).
pids="$remote_sshd_pid $(pgrep -P "$remote_sshd_pid" | tr '\n' ' ')"
stop_remote
for _ in $(seq 50); do
  alive=""
  for pid in $pids; do ! kill -0 "$pid" 2> /dev/null || alive="$alive $pid"; done
  [ -n "$alive" ] || break
  sleep 0.1
done
[ -z "$alive" ] || fail "sshd processes of this test still run:$alive"
rc=0; left=$(pgrep -af -- "$REMOTE_SSH_DIR") || rc=$?
[ "$rc" = 1 ] || fail "ssh processes of this test still run (pgrep exit $rc): $left"
say "ok: sshd ($(wc -w <<< "$pids") processes) and the shared ssh connection stopped"
