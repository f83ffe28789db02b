#!/bin/sh
# Builds Nix 2.34.8 from upstream source, with shared libraries, headers and
# pkg-config files, inside a Debian sid root (sid has every build dependency
# at the version Nix 2.34 wants; bookworm has none). Recipe:
# ../shared/notes/modern-nix.md.
#
# Usage: scripts/nix-modern.sh CACHE_DIR TARBALL
#   The root is CACHE_DIR/sid; Nix goes to /opt/nix-2.34 inside it, with its
#   own store (/nix inside the root), state, config and logs — Debian's Nix
#   and its database are never touched. Idempotent: each stage leaves a stamp
#   only when it completed, so a half-finished run is redone, not trusted.
#   Mounts are made in a private mount namespace (nothing stays mounted).
set -eu

cache=${1:?usage: nix-modern.sh CACHE_DIR TARBALL}
tarball=${2:?usage: nix-modern.sh CACHE_DIR TARBALL}
version=2.34.8
root="$cache/sid"
prefix=/opt/nix-2.34
mirror=http://deb.debian.org/debian

log() { echo "nix-modern: $*" >&2; }

# in_root CMD: run CMD (a shell command) in the root, with /proc, /dev and
# /dev/pts mounted only in a private mount namespace.
in_root() {
  unshare -m sh -c '
    set -e
    r=$1; shift
    mount --bind /proc "$r/proc"
    mount --bind /dev "$r/dev"
    mount --bind /dev/pts "$r/dev/pts"
    exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 /bin/sh -c "$*"
  ' in_root "$root" "$@"
}

if [ -f "$root/.stamp-nix-$version" ]; then
  exit 0
fi

if [ ! -f "$root/.stamp-debootstrap" ]; then
  command -v debootstrap > /dev/null || {
    log "installing debootstrap"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap > /dev/null
  }
  log "creating a Debian sid root in $root"
  rm -rf "$root" && mkdir -p "$root"
  debootstrap --variant=minbase --include=ca-certificates sid "$root" "$mirror" > "$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
  touch "$root/.stamp-debootstrap"
fi

if [ ! -f "$root/.stamp-build-deps" ]; then
  log "installing Nix's build dependencies in the root"
  echo 'Acquire::Check-Valid-Until "false";' > "$root/etc/apt/apt.conf.d/99no-check-valid-until"
  printf 'deb %s sid main\ndeb-src %s sid main\n' "$mirror" "$mirror" > "$root/etc/apt/sources.list"
  rm -f "$root/etc/apt/sources.list.d/debian.sources"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  in_root 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq nix > /dev/null &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pkg-config g++ make patchelf openssh-server openssh-client > /dev/null'
  touch "$root/.stamp-build-deps"
fi

log "building Nix $version (about 15 minutes on 2 cores)"
want=$(grep "nix-$version.tar.xz" "$(dirname "$tarball")/SHA256SUMS" | cut -d' ' -f1)
have=$(sha256sum "$tarball" | cut -d' ' -f1)
[ -n "$want" ] && [ "$want" = "$have" ] || { log "$tarball: sha256 $have does not match SHA256SUMS"; exit 1; }
rm -rf "$root/build/nix-$version" && mkdir -p "$root/build"
tar -xf "$tarball" -C "$root/build"
in_root "cd /build/nix-$version &&
  meson setup build --prefix=$prefix --sysconfdir=$prefix/etc --localstatedir=$prefix/var \
    --buildtype=release -Ddefault_library=shared -Ddoc-gen=false -Dunit-tests=false \
    -Dbindings=false -Dbenchmarks=false -Djson-schema-checks=false \
    -Dlibcmd:readline-flavor=readline > /build/meson.log 2>&1 &&
  ninja -C build -j$(nproc) > /build/ninja.log 2>&1 &&
  ninja -C build install > /build/install.log 2>&1" ||
  { tail -30 "$root/build/meson.log" "$root/build/ninja.log" 2>/dev/null >&2; exit 1; }
echo "$prefix/lib/x86_64-linux-gnu" > "$root/etc/ld.so.conf.d/nix-2.34.conf"
in_root ldconfig
mkdir -p "$root$prefix/etc/nix"
cat > "$root$prefix/etc/nix/nix.conf" <<CONF
build-users-group =
substituters =
sandbox = true
max-jobs = auto
experimental-features = nix-command
CONF
in_root "$prefix/bin/nix --version" >&2
rm -rf "$root/build/nix-$version"
touch "$root/.stamp-nix-$version"
