# Planning runs go in a sandbox (gograph-sandbox, issue 13): a toolchain
# that is a shell script runs nothing on the host, even under restrict-eval;
# a static program in go's place cannot read /etc/passwd, write /tmp or
# reach the network; the sandbox does not change the plan; Ctrl-C kills
# what planning runs and leaves no scratch directory; `nix show-config`
# lists the setting that turns the sandbox off.
. tests/lib.sh

src="$TMP/src"
cp -r tests/fixtures/multi "$src"

# call GO_DIR: the expression planning $src with the toolchain GO_DIR (any
# directory with bin/go), added to the store with builtins.path.
call() {
  echo "let go = builtins.path { path = $1; name = \"$(basename "$1")\"; }; in
    builtins.attrNames (builtins.goPackageGraph { src = $src; go = \"\${go}\"; builder = \"\${go}\"; })"
}

# (a) The fake go of issue 13: a shell script that would touch a marker on
# the host. Its interpreter, /bin/sh, is not in the sandbox: it never runs,
# and the error names the program.
mkdir -p "$TMP/fakego/bin"
printf '#!/bin/sh\ntouch %s/marker\necho go1.26.0\n' "$TMP" > "$TMP/fakego/bin/go"
chmod +x "$TMP/fakego/bin/go"
NIX_CONFIG="$NIX_CONFIG"$'\nrestrict-eval = true\nallow-import-from-derivation = false' NIX_PATH="tmp=$TMP" \
  expect_eval_error "$(call "$TMP/fakego")" \
  '/nix/store/[a-z0-9]{32}-fakego/bin/go cannot run in the planning sandbox.*interpreter /bin/sh is not in the sandbox'
[ ! -e "$TMP/marker" ] || fail "the fake go ran on the host"
say "ok: under restrict-eval, a shell-script go ran nothing on the host"

# (b) A static program as go: it reports what it can reach, and fails, so
# its report is in the error.
mkdir -p "$TMP/probe" "$TMP/probego/bin" "$TMP/slowgo/bin"
cat > "$TMP/probe/main.go" <<'EOF'
// Stands in for go in the planning sandbox: as .../slowgo/bin/go it
// sleeps; otherwise it reports what it can reach and fails.
package main

import (
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	if strings.Contains(os.Args[0], "-slowgo/") {
		time.Sleep(time.Hour)
	}
	_, err := os.ReadFile("/etc/passwd")
	fmt.Fprintf(os.Stderr, "probe passwd: %v\n", err)
	fmt.Fprintf(os.Stderr, "probe tmp: %v\n", os.WriteFile("/tmp/probe", nil, 0o644))
	_, err = net.DialTimeout("tcp", "1.1.1.1:443", 5*time.Second)
	fmt.Fprintf(os.Stderr, "probe net: %v\n", err)
	os.Exit(1)
}
EOF
(cd "$TMP/probe" && go_env CGO_ENABLED=0 GO111MODULE=off go build -o "$TMP/probego/bin/go" .) ||
  fail "building the probe failed"
cp "$TMP/probego/bin/go" "$TMP/slowgo/bin/go"
expect_eval_error "$(call "$TMP/probego")" 'probe passwd: open /etc/passwd: no such file or directory'
grep -q 'probe tmp: open /tmp/probe: read-only file system' "$TMP/err.log" || { cat "$TMP/err.log"; fail "go could write /tmp"; }
grep -q 'probe net: dial tcp 1.1.1.1:443: connect: network is unreachable' "$TMP/err.log" ||
  { cat "$TMP/err.log"; fail "go could reach the network"; }
say "ok: go in the sandbox cannot read /etc/passwd, write /tmp or reach the network"

# (c) The sandbox changes nothing in the plan: the same derivations with
# and without it for multi; for tested, with third-party modules and its
# tests planned (go list -test and go test -c -n run in the sandbox); and
# for cgo, whose C compiler probes run in the sandbox.
# drvs SRC ARGS [NIX-OPTIONS…]: the drvPath of tests/build.nix called with
# src = SRC // ARGS, and those of its test derivations, as JSON.
drvs() {
  local dir=$1 args=$2; shift 2
  nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval --strict --json "$@" -E \
    "let app = import $ROOT/tests/build.nix ({ src = $dir; } // $args); in
      [ app.drvPath ] ++ map (t: t.drvPath) (builtins.attrValues (app.tests or { }))" 2> "$TMP/drv.log" ||
    { cat "$TMP/drv.log" >&2; fail "instantiating $(basename "$dir") failed ($*)"; }
}
cp -r tests/fixtures/tested tests/fixtures/cgo "$TMP/"
# NAME|SRC|ARGS|DERIVATIONS: the program and its test derivations.
for row in "multi|$src|{ }|1" "tested|$TMP/tested|{ doCheck = true; }|4" "cgo|$TMP/cgo|{ env.CGO_ENABLED = 1; }|1"; do
  IFS='|' read -r name dir args count <<< "$row"
  # Planned both times (no plan from the cache).
  on=$(drvs "$dir" "$args" --option gograph-plan-cache false)
  off=$(drvs "$dir" "$args" --option gograph-plan-cache false --option gograph-sandbox false)
  n=$(grep -o '\.drv"' <<< "$on" | wc -l)
  [ "$n" = "$count" ] || fail "$name: expected $count derivations, got $on"
  [ "$on" = "$off" ] || fail "$name plans to $on in the sandbox and to $off without"
  say "ok: $name plans to the same $count derivation(s) with and without the sandbox"
done

# Ctrl-C while go runs: nix stops at once, with Nix's own interruption
# (not a signal), and kills go; no scratch directory is left.
mkdir -p "$TMP/tmpdir"
TMPDIR="$TMP/tmpdir" nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval --strict \
  -E "$(call "$TMP/slowgo")" > "$TMP/int.log" 2>&1 &
nix_pid=$!
running() { grep -lsa -- '-slow[g]o/bin/go' /proc/[0-9]*/cmdline | grep -v "/proc/$$/" || true; }
for _ in $(seq 100); do [ -n "$(running)" ] && break; sleep 0.1; done
[ -n "$(running)" ] || { kill -9 "$nix_pid"; cat "$TMP/int.log"; fail "the slow go never started"; }
kill -INT "$nix_pid"
rc=0
timeout 20 tail --pid="$nix_pid" -f /dev/null || { kill -9 "$nix_pid"; fail "nix ran on 20 s after SIGINT"; }
wait "$nix_pid" || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] || { cat "$TMP/int.log"; fail "nix ended with status $rc after SIGINT"; }
grep -q 'interrupted' "$TMP/int.log" || { cat "$TMP/int.log"; fail "nix did not report the interruption"; }
[ -z "$(running)" ] || fail "go outlived the interruption"
[ -z "$(ls -A "$TMP/tmpdir")" ] || { ls -la "$TMP/tmpdir"; fail "an interrupted plan left scratch directories"; }
say "ok: Ctrl-C during planning killed go and left no scratch directory"

# (d) The setting is Nix's: nix show-config lists it.
config=$(nix --plugin-files "$PLUGIN" --extra-experimental-features nix-command show-config 2>/dev/null ||
  nix --plugin-files "$PLUGIN" config show)
grep -qx 'gograph-sandbox = true' <<< "$config" || fail "nix show-config does not list gograph-sandbox = true"
say "ok: nix show-config lists gograph-sandbox = true"
