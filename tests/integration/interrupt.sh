# Ctrl-C while builtins.goPackageGraph runs go (tests/fixtures/webapp with
# its tests planned): SIGINT to the nix process alone ends it as Nix ends
# any interrupted evaluation (exit status 1, "interrupted by the user", no
# crash signal, no planner error), and neither the planner's scratch
# directories nor any process it started outlive it.
. tests/lib.sh

cp -r tests/fixtures/webapp "$TMP/webapp"
# The planner makes its scratch directories in $TMPDIR: a private one holds
# exactly this run's, whatever else runs on the machine.
scratch="$TMP/tmpdir"
mkdir "$scratch"

# descendants PID: "pid starttime comm" of each live descendant of PID
# (zombies excluded), from /proc.
descendants() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v root="$1" '
    {
      comm = $0; sub(/^[0-9]+ \(/, "", comm); sub(/\) [A-Za-z] .*$/, "", comm)
      rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " ")
      if (f[1] != "Z") { parent[$1] = f[2]; start[$1] = f[20]; name[$1] = comm }
    }
    END {
      q[1] = root; head = 1; tail = 1
      while (head <= tail) {
        p = q[head++]
        for (c in parent) if (parent[c] == p) { print c, start[c], name[c]; q[++tail] = c }
      }
    }'
}

# alive PID STARTTIME: whether that very process (not a reuse of its PID)
# still runs and is not a zombie.
alive() {
  local rest
  { read -r rest < "/proc/$1/stat"; } 2>/dev/null || return 1
  rest=${rest##*) }
  set -- "$2" $rest
  [ "$2" != Z ] && [ "${21}" = "$1" ]
}

# A tag of its own keeps any planning cache from answering without go.
TMPDIR="$scratch" nix-instantiate --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$TMP/webapp" \
  --arg tags "[ \"interrupt$$\" ]" > "$TMP/eval.log" 2>&1 &
nixpid=$!
# If the test fails before nix ends, nix must not outlive it (lib.sh's
# clean-up, then the kill).
trap 'kill -KILL "$nixpid" 2>/dev/null || true; chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
touch "$TMP/seen"
until grep -q ' go$' "$TMP/seen"; do
  kill -0 "$nixpid" 2>/dev/null || { cat "$TMP/eval.log" >&2; fail "nix-instantiate ended before go ran"; }
  descendants "$nixpid" >> "$TMP/seen"
  sleep 0.05
done
say "go runs under nix-instantiate (pid $nixpid): $(awk '{ print $3 }' "$TMP/seen" | sort -u | tr '\n' ' ')"

kill -INT "$nixpid"
sent=$(date +%s%N)
# Until nix ends, note what else it starts (the planner may be starting go
# again as the signal arrives).
for _ in $(seq 600); do
  kill -0 "$nixpid" 2>/dev/null || break
  descendants "$nixpid" >> "$TMP/seen"
  sleep 0.05
done
if kill -0 "$nixpid" 2>/dev/null; then
  kill -KILL "$nixpid"
  fail "nix-instantiate still runs 30 s after SIGINT"
fi
ended=$(( ($(date +%s%N) - sent) / 1000000 ))
rc=0
wait "$nixpid" || rc=$?
sed 's/^/  | /' "$TMP/eval.log"

[ "$rc" -lt 128 ] || fail "nix-instantiate died of signal $((rc - 128)) after SIGINT"
[ "$rc" = 1 ] || fail "nix-instantiate exited with $rc after SIGINT, not 1"
grep -q '^error: interrupted by the user$' "$TMP/eval.log" || fail "nix-instantiate did not report the interruption"
! grep -q 'goPackageGraph: ' "$TMP/eval.log" || fail "the interruption was reported as a planner error"
say "ok: nix-instantiate exits with status 1, 'interrupted by the user', ${ended} ms after SIGINT"

left=$(find "$scratch" -mindepth 1 -maxdepth 1 -name 'gograph-*')
[ -z "$left" ] || fail "scratch directories left behind: $left"
say "ok: no gograph-* directory left in the planner's TMPDIR"

sleep 1  # processes killed as nix ended may take a moment to be reaped
sort -u "$TMP/seen" > "$TMP/seen.sorted"
survivors=
while read -r pid start comm; do
  alive "$pid" "$start" && survivors+=" $comm($pid)"
done < "$TMP/seen.sorted"
[ -z "$survivors" ] || fail "processes of the interrupted run still run:$survivors"
for cwd in /proc/[0-9]*/cwd; do
  case $(readlink "$cwd" 2>/dev/null) in
  "$TMP"/*) fail "a process still works in $TMP: $(cat "${cwd%/cwd}/comm" 2>/dev/null) (${cwd%/cwd})" ;;
  esac
done
say "ok: none of the $(wc -l < "$TMP/seen.sorted") processes the run started is left"
