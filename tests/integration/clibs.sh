# C libraries for cgo: buildInputs and `#cgo pkg-config:`. The libraries are
# Debian 12's zlib and SQLite packages made into store paths without nixpkgs
# (tests/clibs.nix); pkg-config is the host's pkgconf in the host-cc store
# path (scripts/host-cc.sh).
#   - tests/fixtures/zlib: a cgo package with `#cgo pkg-config: zlib`;
#   - tests/fixtures/sqlite: github.com/mattn/go-sqlite3 with tags =
#     [ "libsqlite3" ], which links the system's libsqlite3 (-lsqlite3, no
#     pkg-config): headers and library are found through buildInputs.
# Each binary equals `CGO_ENABLED=1 go build`'s with the same compiler, the
# same pkg-config and the same libraries (the environment the plugin gives
# the C compiler and pkg-config: CPATH, LIBRARY_PATH, PKG_CONFIG_LIBDIR);
# only the cgo packages and the links depend on the libraries.
. tests/lib.sh

libs=$(nix-build --no-out-link "$ROOT/tests/clibs.nix" -A zlib -A sqlite 2> "$TMP/clibs.log") ||
  { cat "$TMP/clibs.log" >&2; fail "the Debian libraries (tests/clibs.nix) did not build"; }
zlib=$(sed -n 1p <<< "$libs")
sqlite=$(sed -n 2p <<< "$libs")
[ -f "$zlib/lib/pkgconfig/zlib.pc" ] && [ -f "$sqlite/include/sqlite3.h" ] || fail "clibs.nix laid out $zlib and $sqlite wrongly"
cc=$(grep -o '/nix/store/[^"]*-host-cc-[^"]*' build/host-toolchain.nix)
[ -x "$cc/bin/pkg-config" ] || fail "the host C toolchain $cc has no bin/pkg-config"

# go_build_cgo DIR OUT LIB [FLAGS…]: CGO_ENABLED=1 go build of DIR with the
# host's gcc and pkg-config, and the library LIB as the plugin shows it.
go_build_cgo() {
  local dir=$1 out=$2 lib=$3; shift 3
  (cd "$dir" && go_env PATH="$GOROOT_STORE/bin:/usr/bin:/bin" GOFLAGS=-mod=readonly CGO_ENABLED=1 CC="$(command -v gcc)" \
    PKG_CONFIG="$cc/bin/pkg-config" PKG_CONFIG_LIBDIR="$lib/lib/pkgconfig:$lib/share/pkgconfig" \
    PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 CPATH="$lib/include" LIBRARY_PATH="$lib/lib" \
    go build -trimpath -buildvcs=false -ldflags=-buildid= "$@" -o "$out" .) 2> "$TMP/go-build-ref.log" ||
    { cat "$TMP/go-build-ref.log" >&2; fail "CGO_ENABLED=1 go build of $dir failed"; }
}

# drv_of SRC ARGS ATTR: the .drv of ATTR of the fixture built with ARGS.
drv_of() {
  nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval -E \
    "(import $ROOT/tests/build.nix ({ src = $1; } // $2)).$3.drvPath" 2> "$TMP/drv.log" | tr -d '"'
}

# only_cgo_depends SRC ARGS LIB CGO… -- PURE…: the derivations of the
# attributes CGO… refer to LIB, those of PURE… do not; a query that fails
# fails the test.
only_cgo_depends() {
  local src=$1 args=$2 lib=$3 want=yes attr drv refs; shift 3
  for attr in "$@"; do
    [ "$attr" = -- ] && { want=no; continue; }
    drv=$(drv_of "$src" "$args" "$attr")
    [ -n "$drv" ] || { cat "$TMP/drv.log" >&2; fail "no derivation for $attr"; }
    refs=$(nix-store -q --references "$drv") || fail "nix-store -q --references $drv failed"
    [ -n "$refs" ] || fail "$attr ($drv) has no references at all"
    if grep -qxF "$lib" <<< "$refs"; then
      [ $want = yes ] || fail "$attr depends on $lib"
    else
      [ $want = no ] || fail "$attr does not depend on $lib"
    fi
  done
}

# zlib, through pkg-config.
src="$TMP/zlib"
cp -r tests/fixtures/zlib "$src"
args="{ env.CGO_ENABLED = 1; buildInputs = [ (builtins.storePath $zlib) ]; }"
out=$(gg_build --arg src "$src" --arg env '{ CGO_ENABLED = 1; }' --arg buildInputs "[ (builtins.storePath $zlib) ]")
say "built $(built_count) derivations with zlib"
got=$("$out/bin/zlib") || fail "bin/zlib failed"
# It runs with the machine's libz.so.1 (the binary has no RPATH, as go
# build's has none), whose version it prints.
[[ $got =~ ^zlib\ [0-9.]+:\ 1200\ '->'\ [0-9]+$ ]] || fail "bin/zlib printed $got"
go_build_cgo "$src" "$TMP/zlib.ref" "$zlib"
[ "$(sha "$out/bin/zlib")" = "$(sha "$TMP/zlib.ref")" ] || fail "bin/zlib differs from CGO_ENABLED=1 go build's"
say "ok: bin/zlib ($got) is bit-identical to CGO_ENABLED=1 go build with pkg-config ($(sha "$TMP/zlib.ref"))"
only_cgo_depends "$src" "$args" "$zlib" 'packages."example.com/zlib/gz"' 'binaries.zlib' \
  -- 'packages."example.com/zlib/pure"' 'packages."example.com/zlib"' 'packages."runtime/cgo"' 'packages."fmt"'
say "ok: only example.com/zlib/gz and the link depend on zlib"

# The same derivations in mode ifd (units.nix resolves the libraries too).
plugin_drv=$(drv_of "$src" "$args" 'binaries.zlib')
ifd_drv=$(drv_of "$src" "$args // { mode = \"ifd\"; }" 'binaries.zlib')
[ -n "$ifd_drv" ] || { cat "$TMP/drv.log" >&2; fail "mode ifd did not plan the zlib fixture"; }
[ "$plugin_drv" = "$ifd_drv" ] || fail "the link of zlib is $plugin_drv in mode plugin but $ifd_drv in mode ifd"
say "ok: modes plugin and ifd give the same link ($plugin_drv)"

# SQLite, the system library of go-sqlite3 (no pkg-config).
src="$TMP/sqlite"
cp -r tests/fixtures/sqlite "$src"
args="{ env.CGO_ENABLED = 1; tags = [ \"libsqlite3\" ]; buildInputs = [ (builtins.storePath $sqlite) ]; }"
out=$(gg_build --arg src "$src" --arg env '{ CGO_ENABLED = 1; }' --arg tags '[ "libsqlite3" ]' \
  --arg buildInputs "[ (builtins.storePath $sqlite) ]")
say "built $(built_count) derivations with go-sqlite3 and libsqlite3"
go_build_cgo "$src" "$TMP/sqlite.ref" "$sqlite" -tags libsqlite3
[ "$(sha "$out/bin/sqlite")" = "$(sha "$TMP/sqlite.ref")" ] || fail "bin/sqlite differs from CGO_ENABLED=1 go build -tags libsqlite3's"
say "ok: bin/sqlite is bit-identical to CGO_ENABLED=1 go build -tags libsqlite3 ($(sha "$TMP/sqlite.ref"))"
if got=$("$out/bin/sqlite" 2>&1); then
  [[ $got =~ ^sqlite\ 3\.[0-9.]+:\ 42$ ]] || fail "bin/sqlite printed $got"
  say "ok: bin/sqlite runs ($got)"
else
  say "bin/sqlite does not run here (no libsqlite3.so.0 on this machine: $got)"
fi
only_cgo_depends "$src" "$args" "$sqlite" 'packages."github.com/mattn/go-sqlite3"' 'binaries.sqlite' \
  -- 'packages."example.com/sqlite"' 'packages."database/sql"' 'packages."runtime/cgo"'
say "ok: only go-sqlite3 and the link depend on libsqlite3"

# Bad input: pkg-config without the library, a non-path element.
expect_eval_error "(import $ROOT/tests/build.nix { src = $TMP/zlib; env.CGO_ENABLED = 1; }).drvPath" \
  'package example\.com/zlib/gz: pkg-config --cflags -- zlib failed \(are the libraries in buildInputs\?\): .*zlib'
expect_eval_error "(import $ROOT/tests/build.nix { src = $TMP/zlib; env.CGO_ENABLED = 1; buildInputs = [ (builtins.storePath $zlib) ]; pkgConfig = null; }).drvPath" \
  'package example\.com/zlib/gz asks pkg-config for zlib \(#cgo pkg-config\), but no pkg-config was given'
expect_eval_error "builtins.goPackageGraph { src = $TMP/zlib; go = \"$GOROOT_STORE\"; builder = \"/nix/store/x\"; buildInputs = [ 42 ]; }" \
  "element 0 of the 'buildInputs' attribute passed to builtins.goPackageGraph must be a string, a path or a derivation, but it is an integer"
expect_eval_error "(import $ROOT/tests/build.nix { src = $TMP/zlib; buildInputs = [ (builtins.storePath $zlib) ]; }).drvPath" \
  'buildInputs are C libraries for cgo, which is off \(CGO_ENABLED = 1 turns it on\)'
