# The plugin loads and registers builtins.goPackageGraph with a :doc string.
. tests/lib.sh

out=$(nix-instantiate --plugin-files "$PLUGIN" --eval -E 'builtins ? goPackageGraph')
[ "$out" = true ] || fail "builtins ? goPackageGraph printed $out"
say "ok: builtins ? goPackageGraph = true"

echo ':doc builtins.goPackageGraph' | nix --plugin-files "$PLUGIN" repl > "$TMP/doc.txt" 2>&1
grep -q "subPackages" "$TMP/doc.txt" || { cat "$TMP/doc.txt"; fail ":doc shows no documentation"; }
say "ok: :doc builtins.goPackageGraph documents subPackages"
