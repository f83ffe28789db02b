#!/bin/sh
# Adds the host's Go toolchain (`go env GOROOT`), a static busybox (as
# bin/sh), the host's gcc (scripts/host-cc.sh: bin/cc, for cgo), its CA
# bundle and, on Nix 2.34, a Nix client (scripts/nix-client.sh) to the Nix
# store, for machines without nixpkgs, and writes a Nix file naming them:
#   { go = …; busybox = …; cc = …; cacert = …; nixClient = …; }
# Idempotent: if the file exists, names all of them and its paths are
# valid, nothing is done.
#
# Usage: scripts/host-toolchain.sh OUT.nix
set -eu
. "$(dirname "$0")/store-lib.sh"
out=${1:?usage: host-toolchain.sh OUT.nix}

# Nix 2.34 runs mode "dynamic", whose builds need a Nix client.
case $(nix --version) in *" 2.3"[4-9]*) want_client=yes ;; *) want_client= ;; esac

if [ -f "$out" ]; then
  paths=$(grep -o '/nix/store/[^"]*' "$out" || true)
  if [ -n "$paths" ] && grep -q '^ *cacert = ' "$out" && { [ -z "$want_client" ] || grep -q nixClient "$out"; } &&
    nix-store --check-validity $paths 2>/dev/null; then
    exit 0
  fi
fi

goroot=$(go env GOROOT)
goversion=$(go env GOVERSION | sed 's/^go//')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/busybox/bin"
cp /bin/busybox "$tmp/busybox/bin/busybox"
ln -s busybox "$tmp/busybox/bin/sh"

echo "host-toolchain: adding $goroot (go $goversion) and busybox to the Nix store" >&2
go_path=$(store_add "$goroot" "go-$goversion")
busybox_path=$(store_add "$tmp/busybox" "busybox-static")
cc_path=$("$(dirname "$0")/host-cc.sh" "$busybox_path")
# The CA bundle module downloads in fixed-output derivations trust (Nix 2.8's
# sandbox has none; the network here may present its own CA).
cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$tmp/ca-certificates.crt"
cacert_path=$(store_add "$tmp/ca-certificates.crt" "ca-certificates.crt")
# Nix 2.34's own client, for mode "dynamic" (recursive Nix; scripts/nix-client.sh).
client_line=""
if [ -n "$want_client" ]; then
  client_line="nixClient = builtins.storePath \"$("$(dirname "$0")/nix-client.sh" "$busybox_path")\";"
fi

mkdir -p "$(dirname "$out")"
cat > "$out" <<NIX
# Written by scripts/host-toolchain.sh: the host's Go, a static busybox, the
# host's gcc (bin/cc; scripts/host-cc.sh), its CA certificates and, with
# Nix 2.34, a Nix client for recursive builds.
{
  go = builtins.storePath "$go_path";
  busybox = builtins.storePath "$busybox_path";
  cc = builtins.storePath "$cc_path";
  cacert = builtins.storePath "$cacert_path";
  $client_line
}
NIX
