#!/bin/sh
# Puts the `nix` executable found in PATH (the Nix 2.34.8 of the Debian sid
# root, /opt/nix-2.34) and every library it loads into ONE Nix store path,
# nix-client-<version>, so that a build in the sandbox can talk to the Nix
# daemon: with requiredSystemFeatures = [ "recursive-nix" ] the builder gets
# NIX_REMOTE=unix://…, and this client adds sources and derivations to the
# store from inside the build (RFC 92 dynamic derivations). Prints that path.
#
# Layout of the store path $p:
#   $p/bin/nix                   patched: ELF interpreter $p/lib/ld-linux-x86-64.so.2,
#                                DT_RPATH $p/lib (DT_RPATH, unlike DT_RUNPATH, also
#                                serves the libraries' own dependencies)
#   $p/bin/nix-store, …          symlinks to nix (it dispatches on argv[0])
#   $p/lib/*.so*                 the loader and libraries, byte-identical to the host's
#   $p/nix-support/nix-client-key
# The closure of $p is $p alone.
#
# As in scripts/host-cc.sh, paths pointing into $p cannot be in a
# content-addressed store path: the files are added unpatched (<name>-src,
# with patchelf) and a derivation run by busybox copies them to $p, patches
# bin/nix and runs it (the -src path is deleted afterwards).
#
# Idempotent: $p/nix-support/nix-client-key fingerprints this script, busybox
# and every copied file (name, size, mtime); a valid store path with the same
# key is reused without copying anything.
#
# In a build: PATH=$p/bin:…, HOME=$TMPDIR, NIX_CONFIG='extra-experimental-features
# = nix-command'. Each run of nix costs 30–50 ms (it loads 60 MB of libraries):
# one nix-instantiate writes 1000 derivations in 0.6 s, 1000 runs of
# `nix derivation add` take 30 s. tests/tools/nix-client-check.sh shows the
# JSON that `nix derivation add` takes.
#
# Needs ldd, GNU coreutils and patchelf; runs with the Nix settings of its
# caller (tests/nix-env.sh). Used with Nix 2.34 only: run it in the sid root
# (tests/with-nix 2.34 scripts/nix-client.sh BUSYBOX).
#
# Usage: scripts/nix-client.sh BUSYBOX_STORE_PATH   (its bin/sh is the builder)
set -eu
. "$(dirname "$0")/store-lib.sh"
busybox=${1:?usage: nix-client.sh BUSYBOX_STORE_PATH}
command -v patchelf >/dev/null || {
  echo "nix-client: patchelf is missing (apt-get install patchelf)" >&2; exit 1; }

nix_bin=$(readlink -f "$(command -v nix)")
bindir=$(dirname "$(command -v nix)")
patchelf_bin=$(readlink -f "$(command -v patchelf)")
version=$("$nix_bin" --version | awk '{ print $NF }')
name=nix-client-$version

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The libraries and the loader of nix and patchelf (which runs in the builder
# with these same libraries), as ldd finds them for this host.
for e in "$nix_bin" "$patchelf_bin"; do
  ldd "$e" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | sort -u > "$tmp/libs"
interp=$(patchelf --print-interpreter "$nix_bin")
# The argv[0] names of nix: the symlinks to it beside it (nix-store, …).
links=$(find "$bindir" -maxdepth 1 -type l -lname nix -printf '%f ')

# Reuse a valid store path made from the same inputs.
key=$({ cat "$0"; echo "$busybox $links"
        xargs stat -L -c '%n %s %Y' "$nix_bin" "$patchelf_bin" < "$tmp/libs"
      } | sha256sum | cut -d' ' -f1)
store_reuse "$name" nix-client-key "$key"

echo "nix-client: adding $nix_bin (Nix $version, $(wc -l < "$tmp/libs") libraries) to the Nix store" >&2
src=$tmp/src r=$tmp/src/root
mkdir -p "$r/bin" "$r/lib" "$r/nix-support"
# ldd names each library by the name it was looked up by (its DT_NEEDED
# entry), so a flat lib/ with those names is all the loader needs.
xargs cp -L -t "$r/lib" < "$tmp/libs"
cp "$nix_bin" "$r/bin/nix"
for l in $links; do ln -s nix "$r/bin/$l"; done
echo "$key" > "$r/nix-support/nix-client-key"
cp "$patchelf_bin" "$src/patchelf"

# The builder (busybox sh): copy root to $out, patch bin/nix, run it.
cat > "$src/build.sh" <<'BUILD'
set -eu
PATH=$busybox/bin
cp -a "$src/root" "$out"
chmod -R u+w "$out"
ld=$out/lib/$ldname
"$ld" --library-path "$out/lib" "$src/patchelf" $peflags \
  --set-interpreter "$ld" --force-rpath --set-rpath "$out/lib" "$out/bin/nix"
# Smoke test: argv[0] dispatch, then the evaluator (libgc, libnixexpr).
export HOME=$TMPDIR
[ "$("$out/bin/nix-store" --version)" = "nix-store (Nix) $version" ]
[ "$("$out/bin/nix" --extra-experimental-features nix-command --store dummy:// \
      eval --expr '1 + 1')" = 2 ]
BUILD

store_build_from "$name" "$src" "version = \"$version\"; ldname = \"${interp##*/}\";
      peflags = \"$(patchelf_flags)\";"
