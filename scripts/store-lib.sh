# Sourced by scripts/host-toolchain.sh, host-cc.sh and nix-client.sh: adding
# host files to the Nix store, and building a relocated copy of them.

# store_add PATH NAME: copy PATH into the store under NAME, print the store path.
store_add() {
  nix-instantiate --read-write-mode --eval --json \
    -E "builtins.path { path = \"$1\"; name = \"$2\"; }" | tr -d '"'
}

# store_reuse NAME KEYFILE KEY: if a valid store path *-NAME holds KEY in
# nix-support/KEYFILE (it was made from the same inputs), print it and exit.
store_reuse() {
  for d in /nix/store/*-"$1"; do
    if [ "$(cat "$d/nix-support/$2" 2>/dev/null)" = "$3" ] &&
       nix-store --check-validity "$d" 2>/dev/null; then
      echo "$d"; exit 0
    fi
  done
}

# patchelf_flags: flags every patchelf run needs. patchelf 0.18 (Debian sid)
# breaks sid's non-PIE cc1 when it sorts the program headers; --no-sort
# (0.15+) leaves them in place.
patchelf_flags() { patchelf --help 2>&1 | grep -o -- --no-sort || true; }

# store_build_from NAME DIR ATTRS: add DIR (holding build.sh) to the store as
# NAME-src, build the derivation NAME that $busybox's sh runs build.sh in,
# with the Nix attributes ATTRS ("a = \"…\"; …") besides busybox and src,
# print its output, then delete the -src copy and the .drv naming it.
store_build_from() {
  src_path=$(store_add "$2" "$1-src")
  p=$(nix-build --no-out-link -E "
    let busybox = builtins.storePath \"$busybox\"; src = builtins.storePath \"$src_path\"; in
    derivation {
      name = \"$1\"; system = builtins.currentSystem;
      builder = \"\${busybox}/bin/sh\"; args = [ \"\${src}/build.sh\" ];
      inherit busybox src; $3
    }")
  echo "$p"
  NIX_CONFIG="${NIX_CONFIG:-}
keep-derivations = false" nix-store --delete "$(nix-store -q --deriver "$p")" "$src_path" >/dev/null 2>&1 || true
}
