#!/usr/bin/env bash
# make demo: builds the multi-package fixture through the plugin, one
# derivation per Go package, and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/nix-env.sh
scripts/host-toolchain.sh build/host-toolchain.nix
. tests/lib.sh

cp -r tests/fixtures/multi "$TMP/multi"
echo "nix-gograph demo: nix-build tests/build.nix --arg src <copy of tests/fixtures/multi> ($(nix --version))"
out=$(gg_build --arg src "$TMP/multi")
packages=$(nix-instantiate --plugin-files "$PLUGIN" --eval -E \
  "builtins.length (builtins.attrNames (import $ROOT/tests/build.nix { src = $TMP/multi; }).packages)")
echo "built $(built_count) derivations (the program has $packages package derivations, the standard library's included; ones already in the store are reused)"
echo "$out/bin/multi says:"
"$out/bin/multi" | sed 's/^/  /'
