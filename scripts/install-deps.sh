#!/bin/sh
# Installs, idempotently, what nix-gograph needs on a Debian 12 machine:
# Debian's Nix (2.8.0), the C++ toolchain and libraries the Nix headers use,
# a static busybox for sandboxed builders, a static bash (bash-static: the
# dev shell's builder under `nix develop`), patchelf (scripts/host-cc.sh; also
# in the Debian sid root of `make nix-modern`, if built), libasan8 (gcc 12's
# AddressSanitizer runtime, for `make asan-plugin`), openssh-server (the
# remote-builder test starts its own sshd), and the Nix headers
# for exactly the installed nix-bin, taken from Debian's source package.
#
# Usage: scripts/install-deps.sh CACHE_DIR
#   Headers land in CACHE_DIR/nix-<version>/include (with a matching config.h).
set -eu

cache=${1:?usage: install-deps.sh CACHE_DIR}
packages="nix-bin pkg-config g++ make dpkg-dev libboost-dev nlohmann-json3-dev libgc-dev busybox-static bash-static patchelf libasan8
  openssh-server"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

need_src=""
srclist=/etc/apt/sources.list.d/nix-gograph-src.sources
if [ ! -f "$srclist" ]; then
  cat > "$srclist" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  need_src=1
fi

if [ -n "$missing" ] || [ -n "$need_src" ]; then
  echo "install-deps: installing$missing" >&2
  apt-get update -qq
  if [ -n "$missing" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
fi

# In the sid root of an earlier `make nix-modern` (which installs these in a
# new one): patchelf, as scripts/host-cc.sh runs there too, and sshd and
# ssh for the remote-builder test (tests/with-nix 2.34).
root=$cache/sid
root_missing=""
[ -x "$root/usr/bin/patchelf" ] || root_missing="$root_missing patchelf"
[ -x "$root/usr/sbin/sshd" ] && [ -x "$root/usr/bin/ssh" ] || root_missing="$root_missing openssh-server openssh-client"
if [ -f "$root/.stamp-build-deps" ] && [ -n "$root_missing" ]; then
  echo "install-deps: installing$root_missing in $root" >&2
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  unshare -m sh -c 'root=$1; shift; mount --bind /proc "$root/proc" && mount --bind /dev "$root/dev" &&
    mount --bind /dev/pts "$root/dev/pts" &&
    exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      sh -c "apt-get update -qq && apt-get install -y -qq $* >/dev/null"' sh "$root" $root_missing
fi

# Headers for exactly the installed Nix, unless pkg-config finds real ones
# (a Nix user's machine) — the Makefile prefers those.
version=$(dpkg-query -W -f='${Version}' nix-bin)
srcversion=$(dpkg-query -W -f='${source:Version}' nix-bin)
upstream=${version%%-*}
dest="$cache/nix-$upstream"
if [ "$upstream" != 2.8.0 ]; then
  echo "install-deps: nix-bin $version: only 2.8.0's config.h is known (scripts/mk-nix28-include.sh)" >&2
  exit 1
fi
if [ ! -f "$dest/include/nix/config.h" ]; then
  echo "install-deps: fetching Debian's nix $srcversion source for its headers" >&2
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  (cd "$dest.tmp" && apt-get source -qq --download-only "nix=$srcversion" >/dev/null &&
     dpkg-source -x --skip-patches nix_*.dsc src >/dev/null)
  "$(dirname "$0")/mk-nix28-include.sh" "$dest.tmp/src" "$dest.tmp/include"
  rm -rf "$dest" && mkdir -p "$dest" && mv "$dest.tmp/include" "$dest/include"
  rm -rf "$dest.tmp"
fi
echo "install-deps: ok (nix-bin $version, headers in $dest/include)" >&2
