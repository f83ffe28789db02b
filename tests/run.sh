#!/usr/bin/env bash
# Runs every integration test (tests/integration/*.sh) against the plugin in
# build/, after putting the host toolchain in the store. Exit status: the
# number of failed tests (0 = all passed).
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/nix-env.sh
scripts/host-toolchain.sh build/host-toolchain.nix || exit 1

nix_version=$(nix --version)
failed=0
for t in ${*:-tests/integration/*.sh}; do
  name=$(basename "$t" .sh)
  echo "=== $name ($nix_version)"
  start=$(date +%s)
  if bash "$t"; then
    echo "--- PASS $name ($(( $(date +%s) - start ))s)"
  else
    echo "--- FAIL $name ($(( $(date +%s) - start ))s)"
    failed=$((failed + 1))
  fi
done
echo "integration: $failed failed"
exit "$failed"
