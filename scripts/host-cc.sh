#!/bin/sh
# Puts the host's C compiler (gcc, cc1, collect2, lto-wrapper, binutils' as
# and ld), the libc headers and startup files, and every library those tools
# load into ONE Nix store path, host-cc-gcc-<version>, so that cgo works in
# the build sandbox (which has no /usr, /lib or /lib64). Prints that path.
#
# The store path $p is a miniature root: each file sits at its host path
# under $p (/usr/include/stdio.h -> $p/usr/include/stdio.h; directory
# symlinks such as /lib -> usr/lib stay symlinks), except gcc, as, ld and
# pkgconf, which become $p/usr/bin/{gcc,as,ld,pkgconf} ($p/bin/pkg-config
# runs pkgconf, for `#cgo pkg-config:`). Only the tools are patched: their
# ELF interpreter becomes $p/lib64/ld-linux-x86-64.so.2 and their DT_RPATH the
# $p directories of their libraries (DT_RPATH, unlike DT_RUNPATH, also serves
# the libraries' own dependencies); every library, libc included, stays
# byte-identical to the host's. gcc finds cc1, collect2 and lto-wrapper
# itself (relative to its own path). $p/bin/cc (and $p/bin/gcc) runs
#   $p/usr/bin/gcc --sysroot=$p -B$p/usr/bin/ -ffile-prefix-map=$p= "$@"
# so headers, crt files and libraries come from $p, as and ld from $p/usr/bin
# (-B), and debug info names /usr/include/…, never $p: objects and programs
# are bit-identical to the host gcc's (same interpreter, /lib64/ld-linux…).
#
# Paths pointing into $p cannot be in a content-addressed store path, so the
# host files are added unpatched (<name>-src, with patchelf and its
# libraries) and a derivation run by busybox copies and patches them into $p,
# then compiles, links and runs a C program with the result (the -src path
# is deleted afterwards). C only: no g++, no lto1 (-flto), no sanitizers.
#
# Idempotent: $p/nix-support/host-cc-key fingerprints this script, busybox
# and every copied file (name, size, mtime); a valid store path with the same
# key is reused without copying anything.
#
# Needs Debian (dpkg, ldd), GNU coreutils and patchelf; runs with the Nix
# settings of its caller (tests/nix-env.sh).
#
# Usage: scripts/host-cc.sh BUSYBOX_STORE_PATH   (its bin/sh runs bin/cc)
set -eu
. "$(dirname "$0")/store-lib.sh"
busybox=${1:?usage: host-cc.sh BUSYBOX_STORE_PATH}
command -v patchelf >/dev/null || {
  echo "host-cc: patchelf is missing (apt-get install patchelf)" >&2; exit 1; }

version=$(gcc -dumpfullversion)
name=host-cc-gcc-$version
norm() { realpath -s "$1"; } # absolute, without .. (symlinks are kept)
libs() { # libs ELF…: the libraries and loader ldd finds for each ELF
  for e in "$@"; do
    ldd "$e" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
  done
}

# The tools gcc runs (as and ld are searched in PATH: take the real files).
gcc_bin=$(readlink -f "$(command -v gcc)")
as_bin=$(readlink -f "$(command -v as)")
ld_bin=$(readlink -f "$(command -v ld)")
pkgconf_bin=$(readlink -f "$(command -v pkgconf)")
progs=""
for t in cc1 collect2 lto-wrapper; do progs="$progs $(norm "$(gcc -print-prog-name=$t)")"; done
plugin=$(gcc -print-prog-name=liblto_plugin.so) # where gcc 16 looks; gcc 12:
case $plugin in /*) ;; *) plugin=$(gcc -print-file-name=liblto_plugin.so) ;; esac
plugin=$(norm "$plugin")
libgcc_dir=$(norm "$(gcc -print-file-name=)")
interp=$(patchelf --print-interpreter "$gcc_bin")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
libs "$gcc_bin" "$as_bin" "$ld_bin" "$pkgconf_bin" $progs "$plugin" | sort -u > "$tmp/toollibs"
# files: every host file to copy to the same path under $p.
{
  echo "$plugin"
  for t in $progs; do echo "$t"; done
  cat "$tmp/toollibs"
  # gcc's own headers, crt*.o, libgcc, libatomic… (C only: not cc1plus, lto1,
  # libstdc++, nor the sanitizers).
  find "$libgcc_dir/include" -type f
  find "$libgcc_dir" -maxdepth 1 \( -name '*.[ao]' -o -name '*.so' -o -name '*.spec' \) \
    ! -name 'libstdc++*' ! -name 'libsupc++*' ! -name '*san*' ! -name libcc1.so
  gcc -print-file-name=libgcc_s.so.1
  # The libc, crypt and kernel headers and libc's link-time files.
  for pkg in libc6-dev linux-libc-dev libcrypt-dev; do
    dpkg -L "$pkg" 2>/dev/null | grep -E '^/(usr/)?(include|lib(64)?)/' || true
  done
} | while read -r f; do [ ! -f "$f" ] || echo "$f"; done | xargs -d '\n' realpath -s |
  sort -u > "$tmp/files"
# Linker scripts (libc.so, libm.so) name files by absolute path.
grep -l '^GROUP' $(grep '\.so$' "$tmp/files") | xargs grep -ho '/[^ ()]*' |
  while read -r f; do [ ! -f "$f" ] || norm "$f"; done > "$tmp/scripts" # a few
sort -u -o "$tmp/files" "$tmp/files" "$tmp/scripts"

# Reuse a valid store path made from the same inputs.
key=$({ cat "$0"; echo "$busybox"; xargs stat -L -c '%n %s %Y' < "$tmp/files"
        stat -L -c '%n %s %Y' "$gcc_bin" "$as_bin" "$ld_bin" "$pkgconf_bin" "$(command -v patchelf)"
      } | sha256sum | cut -d' ' -f1)
store_reuse "$name" host-cc-key "$key"

echo "host-cc: adding gcc $version ($(wc -l < "$tmp/files") files) to the Nix store" >&2
src=$tmp/src r=$tmp/src/root
mkdir -p "$r/usr/bin" "$r/bin" "$r/nix-support" "$src/patchelf"
# Directory symlinks on the way to a file (/lib -> usr/lib) stay symlinks.
sed 's,/[^/]*$,,' "$tmp/files" | sort -u | while read -r dir; do
  d=""
  for c in $(echo "$dir" | tr / ' '); do
    d=$d/$c
    if [ -L "$d" ] && [ ! -L "$r$d" ]; then
      target=$(readlink -f "$d")
      mkdir -p "$r$target" && ln -sr "$r$target" "$r$d"
    fi
  done
done
xargs cp -L --parents -t "$r" < "$tmp/files"
cp "$gcc_bin" "$r/usr/bin/gcc"
cp "$as_bin" "$r/usr/bin/as"
cp "$ld_bin" "$r/usr/bin/ld"
cp "$pkgconf_bin" "$r/usr/bin/pkgconf"
echo "$key" > "$r/nix-support/host-cc-key"
# patchelf for the builder, run by its loader: patchelf/ld.so PROGRAM ARGS.
cp "$(command -v patchelf)" $(libs "$(command -v patchelf)") "$src/patchelf/"
ln -s "${interp##*/}" "$src/patchelf/ld.so"

# The builder (busybox sh): copy root to $out, patch the tools, add bin/cc.
cat > "$src/build.sh" <<'BUILD'
set -eu
PATH=$busybox/bin
cp -a "$src/root" "$out"
chmod -R u+w "$out"
rpath=""
for d in $libdirs; do rpath=${rpath:+$rpath:}$out$d; done
pe() { "$src/patchelf/ld.so" --library-path "$src/patchelf" "$src/patchelf/patchelf" $peflags "$@"; }
for t in $tools; do pe --set-interpreter "$out$interp" --force-rpath --set-rpath "$rpath" "$out$t"; done
pe --force-rpath --set-rpath "$rpath" "$out$plugin"
for t in $tools; do # each tool must start (exit status 126+: not found, signal)
  rc=0; "$out$t" --version >/dev/null 2>&1 || rc=$?
  [ "$rc" -lt 126 ] || { echo "host-cc: patched $t does not run (exit status $rc)" >&2; exit 1; }
done
cat > "$out/bin/cc" <<CC
#!$busybox/bin/sh
# The host's gcc $version, confined to $out (scripts/host-cc.sh in nix-gograph).
exec $out/usr/bin/gcc --sysroot=$out -B$out/usr/bin/ -ffile-prefix-map=$out= "\$@"
CC
chmod 555 "$out/bin/cc"
ln -s cc "$out/bin/gcc"
cat > "$out/bin/pkg-config" <<PC
#!$busybox/bin/sh
# The host's pkgconf, confined to $out (scripts/host-cc.sh in nix-gograph).
exec $out/usr/bin/pkgconf "\$@"
PC
chmod 555 "$out/bin/pkg-config"
# Smoke test: compile, link and run (with $out's loader) a C program.
cd "$TMPDIR"
printf '#include <math.h>\n#include <stdio.h>\nint main(void) { volatile double x = 2; printf("%%.3f\\n", sqrt(x)); return 0; }\n' > t.c
"$out/bin/cc" -O2 -g -o t t.c -lm
[ "$("$out$interp" --library-path "$rpath" ./t)" = 1.414 ]
BUILD

libdirs=$(grep -vx "$interp" "$tmp/toollibs" | sed 's,/[^/]*$,,' | sort -u | tr '\n' ' ')
tools="/usr/bin/gcc /usr/bin/as /usr/bin/ld /usr/bin/pkgconf $progs"
store_build_from "$name" "$src" "version = \"$version\"; interp = \"$interp\";
      libdirs = \"$libdirs\"; tools = \"$tools\"; plugin = \"$plugin\"; peflags = \"$(patchelf_flags)\";"
