#!/bin/sh
# Checks the C compiler of scripts/host-cc.sh (cc in a host-toolchain file)
# with a cgo program (a .c file, a .h header and -lm from #cgo LDFLAGS):
#   1. built on the host with CC=$cc/bin/cc, it is bit-identical to the host
#      gcc's build, and names no /nix/store path;
#   2. built in a Nix sandbox with the file's go and cc, it is bit-identical
#      again, refers to no store path, and prints the right result.
# Usage, from the repository root (the file defaults to the Nix 2.8 one):
#   scripts/host-toolchain.sh build/host-toolchain.nix
#   tests/tools/cc-check.sh [build/host-toolchain.nix]
# With Nix 2.34 (its own store, sid's gcc), keep the 2.8 file intact:
#   tests/with-nix 2.34 sh -c 'scripts/host-toolchain.sh build/nix-2.34/host-toolchain.nix &&
#     tests/tools/cc-check.sh build/nix-2.34/host-toolchain.nix'
set -eu
cd "$(dirname "$0")/../.."
. tests/nix-env.sh
tc=$(realpath "${1:-build/host-toolchain.nix}")
cc=$(grep -o '/nix/store/[^"]*-host-cc-[^"]*' "$tc")
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
fail() { echo "cc-check: FAIL: $*" >&2; exit 1; }

# The program: main.go calls hyp() from hyp.c (declared in hyp.h), which
# uses sqrt from libm.
mkdir -p "$tmp/src/prog"
cd "$tmp/src/prog"
printf 'module example.com/cccheck\n\ngo 1.22\n' > go.mod
printf 'double hyp(double a, double b);\n' > hyp.h
printf '#include <math.h>\n#include "hyp.h"\n\ndouble hyp(double a, double b) { return sqrt(a * a + b * b); }\n' > hyp.c
cat > main.go <<'GO'
package main

// #cgo LDFLAGS: -lm
// #include "hyp.h"
import "C"
import "fmt"

func main() { fmt.Printf("hyp(3, 4) = %.4f\n", float64(C.hyp(3, 4))) }
GO
want='hyp(3, 4) = 5.0000'
flags="-trimpath -buildvcs=false -ldflags=-buildid="

# 1. On the host, each build with a fresh Go cache.
gobuild() { # gobuild CC OUT
  GOCACHE=$tmp/cache-${2##*/} GOTOOLCHAIN=local GOFLAGS= GOPROXY=off CGO_ENABLED=1 CC=$1 \
    go build $flags -o "$2" .
}
gobuild gcc "$tmp/host-gcc"
gobuild "$cc/bin/cc" "$tmp/host-cc"
[ "$("$tmp/host-cc")" = "$want" ] || fail "host build prints '$("$tmp/host-cc")'"
h_gcc=$(sha256sum < "$tmp/host-gcc" | cut -d' ' -f1)
h_cc=$(sha256sum < "$tmp/host-cc" | cut -d' ' -f1)
echo "cc-check: host, CC=gcc         $h_gcc"
echo "cc-check: host, CC=\$cc/bin/cc  $h_cc"
[ "$h_gcc" = "$h_cc" ] || fail "CC=$cc/bin/cc differs from CC=gcc"
! strings -a "$tmp/host-cc" | grep /nix/store || fail "the binary names a store path"

# 2. In the sandbox: go and cc from the toolchain file, busybox for the rest;
# the program runs with cc's loader (the sandbox has no /lib64).
cd "$tmp"
cat > src/build.sh <<'BUILD'
set -eu
export PATH=$busybox/bin:$go/bin HOME=$TMPDIR GOCACHE=$TMPDIR/cache GOPATH=$TMPDIR/gopath \
  GOTOOLCHAIN=local GOFLAGS= GOPROXY=off CGO_ENABLED=1 CC=$cc/bin/cc
cp -r "$src/prog" "$TMPDIR/prog" && cd "$TMPDIR/prog"
mkdir -p "$out"
go build $flags -o "$out/prog" .
"$cc/lib64/ld-linux-x86-64.so.2" --library-path "$cc/lib/x86_64-linux-gnu:$cc/usr/lib/x86_64-linux-gnu" \
  "$out/prog" > "$out/output"
BUILD
out=$(nix-build --no-out-link -E "
  let tc = import $tc; src = builtins.path { path = $tmp/src; name = \"cc-check-src\"; };
  in derivation {
    name = \"cc-check\"; system = builtins.currentSystem;
    builder = \"\${tc.busybox}/bin/sh\"; args = [ \"\${src}/build.sh\" ];
    inherit src; inherit (tc) go cc busybox; flags = \"$flags\";
    nonce = \"$(date +%s.%N)\"; # a new build every time
  }")
s_cc=$(sha256sum < "$out/prog" | cut -d' ' -f1)
echo "cc-check: sandbox, Nix $(nix-store --version | awk '{ print $NF }')  $s_cc"
[ "$s_cc" = "$h_gcc" ] || fail "the sandbox build $out/prog differs from the host's"
[ "$(cat "$out/output")" = "$want" ] || fail "in the sandbox, the program printed '$(cat "$out/output")'"
[ -z "$(nix-store -q --references "$out")" ] || fail "$out refers to store paths"
echo "cc-check: ok ($cc; the program prints '$want')"
# Passed: the build, its .drv and source are garbage (kept on failure).
NIX_CONFIG="$NIX_CONFIG
keep-derivations = false" nix-store --delete "$out" "$(nix-store -q --deriver "$out")" \
  "$(nix-store -q --references "$(nix-store -q --deriver "$out")" | grep -- -cc-check-src)" >/dev/null 2>&1 || true
