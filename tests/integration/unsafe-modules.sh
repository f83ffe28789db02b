# Unsafe module zips, served from a local file:// GOPROXY, are refused at
# evaluation time with an error naming the module — even when go.sum carries
# their (attacker-consistent) hashes — and nothing is extracted.
. tests/lib.sh
export XDG_CACHE_HOME="$TMP/xdg-cache"

go build -o "$TMP/mkproxy" ./tests/tools/mkproxy || fail "building tests/tools/mkproxy failed"
proxy="$TMP/proxy"

# unsafe VERSION ENTRY… : a module example.com/evil@VERSION with those zip
# entries, and a main module that needs it; prints the main module's dir.
unsafe() {
  local version=$1; shift
  local dir="$TMP/uses-$version"
  mkdir -p "$dir"
  printf 'module example.com/usesevil\n\ngo 1.22\n\nrequire example.com/evil %s\n' "$version" > "$dir/go.mod"
  printf 'package main\n\nimport _ "example.com/evil"\n\nfunc main() {}\n' > "$dir/main.go"
  "$TMP/mkproxy" "$proxy" example.com/evil "$version" "$@" > "$dir/go.sum" || fail "mkproxy failed"
  echo "$dir"
}

traversal=$(unsafe v1.0.0 evil.go ../escape.go)
clash=$(unsafe v1.1.0 a.go A.go)
mkdir -p "$TMP/scratch"
for dir in "$traversal" "$clash"; do
  v=${dir##*-}
  TMPDIR="$TMP/scratch" GOPROXY="file://$proxy" \
    expect_eval_error "(import $ROOT/tests/build.nix { src = $dir; }).drvPath" "example.com/evil@$v: unsafe module zip"
done
[ ! -e "$TMP/escape.go" ] && [ -z "$(ls "$TMP/scratch")" ] ||
  fail "an unsafe zip left files behind"
say "ok: nothing extracted outside the planner's scratch, and the scratch is gone"
