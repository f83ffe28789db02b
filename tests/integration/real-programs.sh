# Two real open-source programs, downloaded from the module proxy by the test
# (never committed), built with buildGoApplication: each binary equals
# go build's and runs.
. tests/lib.sh

# download MODULE@VERSION: the module's source, copied out of a private
# module cache, on stdout as its directory.
download() {
  local dir
  dir=$(go_in "$TMP" mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || fail "go mod download $1 failed"
  local copy="$TMP/src-$(basename "${1%@*}")"
  cp -r "$dir" "$copy" && chmod -R u+w "$copy"
  echo "$copy"
}

# doCheck = false: some of their tests read files outside their package's
# directory (gofumpt's format tests read ../testdata), which a per-package
# test run does not have (README, "Tests").
check() { # check MODULE@VERSION BINARY VERSION-FLAG
  local src out
  src=$(download "$1")
  out=$(gg_build --arg src "$src" --arg doCheck false)
  say "$1: evaluated and built $(built_count) derivations"
  go_build_ref "$src" "$TMP/$2.ref"
  [ "$(sha "$out/bin/$2")" = "$(sha "$TMP/$2.ref")" ] || fail "bin/$2 differs from go build's"
  "$out/bin/$2" "$3" > "$TMP/$2.version" 2>&1 || { cat "$TMP/$2.version"; fail "$2 $3 failed"; }
  say "ok: bin/$2 of $1 is bit-identical to go build ($(sha "$TMP/$2.ref")) and runs: $(head -1 "$TMP/$2.version")"
  [ "$(GOPROXY=off gg_build --arg src "$src" --arg doCheck false)" = "$out" ] || fail "$1: a GOPROXY=off rebuild gave another result"
  grep -q "^fetching " "$TMP/build.log" && fail "$1: a GOPROXY=off rebuild fetched modules"
  say "ok: $1 rebuilds with GOPROXY=off, from the store alone"
}

check mvdan.cc/gofumpt@v0.12.0 gofumpt --version
check github.com/tsenart/vegeta/v12@v12.13.0 vegeta -version
