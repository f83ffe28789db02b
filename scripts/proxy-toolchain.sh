#!/bin/sh
# Puts Go VERSION's toolchain for linux/amd64, as the Go module proxy serves
# it (the module golang.org/toolchain@v0.0.1-goVERSION.linux-amd64, the one
# GOTOOLCHAIN=goVERSION switches to, checked against the checksum database),
# into the Nix store as go-VERSION and prints that store path, a GOROOT.
#
# `go mod download` fetches the module into the caller's GOMODCACHE (from a
# throwaway module directory); its files are copied, made writable, and the
# files Go's own toolchain switch makes executable (module zips keep no file
# modes: bin/*, pkg/tool/*/*, lib/**/go_*_*_exec) are made executable.
#
# Idempotent: nix-support/proxy-toolchain-key in the store path names the
# module version; a valid store path with the same key is reused without
# running go (a module version's content never changes). The module's go.sum
# hash is kept in nix-support/proxy-toolchain-sum.
#
# Usage: scripts/proxy-toolchain.sh VERSION    (1.26.11 or go1.26.11)
set -eu
. "$(dirname "$0")/store-lib.sh"
version=${1:?usage: proxy-toolchain.sh VERSION (e.g. 1.26.11)}
version=${version#go}
case $version in
  1.*.*) ;;
  *) echo "proxy-toolchain: '$version' is not a Go release version (1.N.P)" >&2; exit 2 ;;
esac
name=go-$version
module=golang.org/toolchain@v0.0.1-go$version.linux-amd64
key="proxy-toolchain 1 $module"
store_reuse "$name" proxy-toolchain-key "$key"

gobin=$(command -v go || echo /usr/local/go/bin/go)
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/mod"
printf 'module throwaway\n' > "$tmp/mod/go.mod"
echo "proxy-toolchain: downloading $module" >&2
(cd "$tmp/mod" && GOTOOLCHAIN=local GOFLAGS= GOWORK=off GO111MODULE=on "$gobin" mod download -json "$module") \
  > "$tmp/download.json" || { cat "$tmp/download.json" >&2; exit 1; }
field() { sed -n "s/^\t\"$1\": \"\(.*\)\",\{0,1\}$/\1/p" "$tmp/download.json"; }
dir=$(field Dir) sum=$(field Sum)
[ -n "$dir" ] && [ -x "$dir/bin" ] || { cat "$tmp/download.json" >&2; echo "proxy-toolchain: no module directory for $module" >&2; exit 1; }

cp -r "$dir" "$tmp/go"
chmod -R u+w "$tmp/go"
for d in "$tmp/go/bin" "$tmp/go/pkg/tool"; do
  [ -d "$d" ] && find "$d" -type f -exec chmod +x {} +
done
[ -d "$tmp/go/lib" ] && find "$tmp/go/lib" -type f -name 'go_?*_?*_exec' -exec chmod +x {} +
got=$(cd "$tmp" && env -u GOROOT GOTOOLCHAIN=local "$tmp/go/bin/go" env GOVERSION 2>/dev/null) || got="(go env GOVERSION failed)"
[ "$got" = "go$version" ] || { echo "proxy-toolchain: $module's go says $got" >&2; exit 1; }
mkdir "$tmp/go/nix-support"
printf '%s\n' "$key" > "$tmp/go/nix-support/proxy-toolchain-key"
printf '%s %s\n' "$module" "$sum" > "$tmp/go/nix-support/proxy-toolchain-sum"
path=$(store_add "$tmp/go" "$name")
echo "$path"
