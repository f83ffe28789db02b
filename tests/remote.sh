# A remote builder on this machine, for tests/integration/remote-builder.sh
# and tests/bench.sh (sourced after tests/lib.sh): its own sshd on a free
# local port with throwaway keys, serving a plain Nix (no plugin) on an
# empty store under $TMP/remote. start_remote sets:
#
#   REMOTE_BUILDERS  the `builders` value naming it (ssh:// on Nix 2.8,
#                    ssh-ng:// on 2.34)
#   REMOTE_SCHEME    ssh or ssh-ng
#   REMOTE_CMD       the Nix command the remote side runs (nix-store
#                    --serve --write, or nix-daemon --stdio)
#   REMOTE_ROOT      the remote store's root (a chroot store)
#   REMOTE_LOG       one line per remote invocation, with its arguments
#   NIX_SSHOPTS      (exported) the ssh configuration Nix's ssh uses
#
# stop_remote stops sshd; start_remote makes the EXIT trap call it before
# tests/lib.sh's clean-up.

REMOTE_SSH_DIR=$TMP/ssh
REMOTE_ROOT=$TMP/remote
REMOTE_LOG=$REMOTE_SSH_DIR/remote-invocations.log
remote_sshd_pid=

stop_remote() {
  [ -n "$remote_sshd_pid" ] || return 0
  ssh -F "$REMOTE_SSH_DIR/config" -O exit gograph-remote 2> /dev/null || true
  kill "$remote_sshd_pid" 2> /dev/null || true
  wait "$remote_sshd_pid" 2> /dev/null || true
  remote_sshd_pid=
}

# start_remote: sshd and the remote side; fails the test if sshd cannot
# start or ssh cannot reach it.
start_remote() {
  local sshd=/usr/sbin/sshd dir=$REMOTE_SSH_DIR remote_bin port
  case $(nix --version) in
    *" 2.8."*) REMOTE_SCHEME=ssh REMOTE_CMD=nix-store ;;   # nix-store --serve --write
    *) REMOTE_SCHEME=ssh-ng REMOTE_CMD=nix-daemon ;;       # nix-daemon --stdio
  esac
  [ -x "$sshd" ] || fail "no $sshd (make deps installs openssh-server)"
  remote_bin=$(command -v "$REMOTE_CMD") || fail "no $REMOTE_CMD on PATH"
  trap 'stop_remote; chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT

  mkdir -p "$dir"
  ssh-keygen -q -t ed25519 -N '' -C gograph-test-host -f "$dir/host_key"
  ssh-keygen -q -t ed25519 -N '' -C gograph-test-client -f "$dir/client_key"
  cp "$dir/client_key.pub" "$dir/authorized_keys"

  # The remote side: a plain Nix (this machine's, given no plugin) on its
  # own store, with this machine's working settings (sshd clears the
  # environment). It logs how it is run and, the first time, the
  # plugin-files setting it runs with (nix.conf and NIX_CONFIG together).
  cat > "$dir/remote-nix" <<EOF
#!/bin/sh
export NIX_CONFIG='$NIX_CONFIG
plugin-files ='
[ -e "$REMOTE_LOG" ] || "$(dirname "$remote_bin")/nix" --extra-experimental-features nix-command show-config 2> /dev/null |
  grep '^plugin-files ' >> "$REMOTE_LOG"
echo "\$0 \$*" >> "$REMOTE_LOG"
exec "$remote_bin" --store "local?root=$REMOTE_ROOT" "\$@"
EOF
  chmod +x "$dir/remote-nix"

  # sshd on a free port: sshd exits at once on a port in use, so a few are
  # tried. It needs its privilege separation directory.
  [ -d /run/sshd ] || install -d -m 755 /run/sshd
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    cat > "$dir/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile none
EOF
    "$sshd" -D -e -f "$dir/sshd_config" 2> "$dir/sshd.log" &
    remote_sshd_pid=$!
    # Listening once it says so (another program on the port would answer
    # a connection too; sshd -e ends its lines with \r\n); up to 30 s on a
    # loaded machine.
    for _ in $(seq 300); do
      grep -q "^Server listening on 127.0.0.1 port $port\." "$dir/sshd.log" && break
      kill -0 "$remote_sshd_pid" 2> /dev/null || break
      sleep 0.1
    done
    grep -q "^Server listening on 127.0.0.1 port $port\." "$dir/sshd.log" && break
    kill "$remote_sshd_pid" 2> /dev/null || true
    wait "$remote_sshd_pid" 2> /dev/null || true
    remote_sshd_pid=
  done
  [ -n "$remote_sshd_pid" ] || { cat "$dir/sshd.log" >&2; fail "sshd did not start"; }

  # The client side: one ssh configuration, the host key pinned.
  cat > "$dir/config" <<EOF
Host gograph-remote
  HostName 127.0.0.1
  Port $port
  User root
  IdentityFile $dir/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
  # One connection for every build (Nix starts a build hook, and so an ssh,
  # per derivation); stop_remote closes it.
  ControlMaster auto
  ControlPath $dir/master-%C
  ControlPersist 600
EOF
  echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$dir/host_key.pub")" > "$dir/known_hosts"
  export NIX_SSHOPTS="-F $dir/config"
  # shellcheck disable=SC2086
  ssh $NIX_SSHOPTS gograph-remote true 2> "$TMP/ssh.log" ||
    { cat "$TMP/ssh.log" "$dir/sshd.log" >&2; fail "ssh to the test sshd failed"; }
  REMOTE_PORT=$port
  # Up to 8 builds at once: each waits mostly on ssh and copying, not on
  # the 2 cores.
  REMOTE_BUILDERS="$REMOTE_SCHEME://gograph-remote?remote-program=$dir/remote-nix x86_64-linux - 8 1 - - -"
}

# fresh_store ROOT OUT: an empty chroot store at ROOT holding only what
# building tests/build.nix needs besides the per-package derivations: the
# toolchain, busybox, and the action builder (a Go program) that OUT, a
# build of tests/build.nix in this machine's store, used.
fresh_store() {
  local root=$1 out=$2 busybox builder
  busybox=$(grep -o '/nix/store/[^"]*-busybox[^"]*' build/host-toolchain.nix)
  builder=$(nix-store -q --outputs "$(nix-store -qR "$(nix-store -q --deriver "$out")" | grep -- '-gograph-builder\.drv$')") ||
    fail "finding the gograph-builder of $out failed"
  nix copy --no-check-sigs --to "local?root=$root" "$GOROOT_STORE" "$busybox" "$builder" 2> "$TMP/copy.log" ||
    { cat "$TMP/copy.log" >&2; fail "copying the toolchain into the empty store $root failed"; }
}
