# buildGoModule-style options: ldflags (-X, -s -w), tags, gcflags, asmflags,
# go:embed (a file and a directory; and in a dependency, x/net/publicsuffix),
# an assembly package (go_asm.h, -symabis), several subPackages, the default
# of every main package, excludedPackages and cross-compilation; every
# binary equals go build's with the same flags.
. tests/lib.sh

src="$TMP/features"
cp -r tests/fixtures/features "$src"

# same NAME GOOS GOARCH BIN NIX-ARGS… -- GO-BUILD-FLAGS…: build with Nix and
# with go build, compare.
same() {
  local name=$1 goos=$2 goarch=$3 bin=$4; shift 4
  local nixargs=() out
  while [ "$1" != -- ]; do nixargs+=("$1"); shift; done
  shift
  local pkg=./cmd/$bin
  case $bin in features*) pkg=. ;; esac
  out=$(gg_build --arg src "$src" "${nixargs[@]}") || fail "$name: build failed"
  (cd "$src" && go_env GOOS="$goos" GOARCH="$goarch" GOFLAGS=-mod=readonly CGO_ENABLED=0 \
    go build -trimpath -buildvcs=false "$@" -o "$TMP/$name.ref" "$pkg") || fail "$name: go build failed"
  [ "$(sha "$out/bin/$bin")" = "$(sha "$TMP/$name.ref")" ] || fail "$name: bin/$bin differs from go build's"
  say "ok: $name: bin/$bin bit-identical to go build ($(sha "$TMP/$name.ref"))"
  LAST_OUT=$out
}

same plain linux amd64 features -- -ldflags=-buildid=
plain=$LAST_OUT
grep -q '^version dev, hello from an embedded file, 5 embedded entries, tag off$' <<< "$("$plain/bin/features")" ||
  fail "plain: wrong output"

# The default subPackages: every main package; cmd/other adds in assembly
# (go_asm.h) and calls a dependency that embeds its data.
same other linux amd64 other -- -ldflags=-buildid=
[ "$("$plain/bin/other")" = "other 106 example.co.uk" ] || fail "bin/other printed $("$plain/bin/other")"
say "ok: every main package built by default; the assembly and the dependency's embedded data work"

same gcflags linux amd64 features --arg gcflags '[ "-N" "-l" ]' -- "-gcflags=-N -l" -ldflags=-buildid=
[ "$(sha "$LAST_OUT/bin/features")" != "$(sha "$plain/bin/features")" ] || fail "gcflags -N -l changed nothing"
same asmflags linux amd64 other --arg asmflags '[ "example.com/features/internal/asmsum=-spectre=all" ]' \
  -- -asmflags=example.com/features/internal/asmsum=-spectre=all -ldflags=-buildid=
[ "$(sha "$LAST_OUT/bin/other")" != "$(sha "$plain/bin/other")" ] || fail "asmflags -spectre=all changed nothing"
say "ok: gcflags and asmflags change the binaries, as they do go build's"

out=$(gg_build --arg src "$src" --arg excludedPackages '[ "cmd/oth" ]')
[ -x "$out/bin/features" ] && [ ! -e "$out/bin/other" ] || fail "excludedPackages did not leave out cmd/other"
say "ok: excludedPackages [ \"cmd/oth\" ] leaves out bin/other"

same ldflags linux amd64 features --arg ldflags '[ "-X" "main.version=1.2.3" ]' -- "-ldflags=-X main.version=1.2.3 -buildid="
grep -q '^version 1.2.3,' <<< "$("$LAST_OUT/bin/features")" || fail "-X main.version=1.2.3 is not in the output"
say "ok: -X main.version=1.2.3 shows up in the output"

same stripped linux amd64 features --arg ldflags '[ "-s" "-w" ]' -- "-ldflags=-s -w -buildid="
[ "$(stat -c %s "$LAST_OUT/bin/features")" -lt "$(stat -c %s "$plain/bin/features")" ] || fail "-s -w is not smaller"
say "ok: -s -w binary is smaller ($(stat -c %s "$LAST_OUT/bin/features") < $(stat -c %s "$plain/bin/features") bytes)"

same tags linux amd64 features --arg tags '[ "extra" ]' -- -tags=extra -ldflags=-buildid=
grep -q 'tag on$' <<< "$("$LAST_OUT/bin/features")" || fail "tags = [ \"extra\" ] did not select tagged.go"

same linux-arm64 linux arm64 features --argstr goos linux --argstr goarch arm64 -- -ldflags=-buildid=
same other-linux-arm64 linux arm64 other --argstr goos linux --argstr goarch arm64 -- -ldflags=-buildid=
same windows-amd64 windows amd64 features.exe --argstr goos windows --argstr goarch amd64 -- -ldflags=-buildid=
same darwin-arm64 darwin arm64 features --argstr goos darwin --argstr goarch arm64 -- -ldflags=-buildid=

# The result refers to neither the toolchain nor any source store path.
nix-store -q --references "$plain" > "$TMP/refs.txt"
grep -q -- "-go-" "$TMP/refs.txt" && fail "the result refers to the Go toolchain: $(cat "$TMP/refs.txt")"
grep -q -- "-src$\|-gomod-" "$TMP/refs.txt" && fail "the result refers to a source path: $(cat "$TMP/refs.txt")"
say "ok: the result refers to no toolchain and no source ($(wc -l < "$TMP/refs.txt") references)"
main_program=$(nix-instantiate --plugin-files "$PLUGIN" --eval -E \
  "(import $ROOT/tests/build.nix { src = $src; subPackages = [ \"./cmd/other\" ]; }).meta.mainProgram" 2>/dev/null)
[ "$main_program" = '"other"' ] || fail "meta.mainProgram is $main_program"
main_program=$(nix-instantiate --plugin-files "$PLUGIN" --eval -E \
  "(import $ROOT/tests/build.nix { src = $src; pname = \"features\"; }).meta.mainProgram" 2>/dev/null)
[ "$main_program" = '"features"' ] || fail "meta.mainProgram of two programs is $main_program"
say "ok: meta.mainProgram = the only program, or the one named pname"

# modRoot: the module in a subdirectory of src.
mkdir -p "$TMP/repo" && cp -r "$src" "$TMP/repo/go"
out=$(gg_build --arg src "$TMP/repo" --argstr modRoot go)
[ "$(sha "$out/bin/features")" = "$(sha "$plain/bin/features")" ] || fail "modRoot: a different binary"
say "ok: modRoot = \"go\" builds the same binary"

out=$(gg_build --arg src "$src" --arg subPackages '[ "." "./cmd/other" ]')
[ -x "$out/bin/features" ] && [ "$("$out/bin/other")" = "other 106 example.co.uk" ] || fail "two subPackages did not give two programs"
say "ok: subPackages [ . ./cmd/other ] gives bin/features and bin/other"
