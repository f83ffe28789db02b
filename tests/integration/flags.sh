# Flags as nixpkgs means them, and odd paths and strings: the elements of
# ldflags are joined with spaces into one -ldflags value that cmd/go splits
# again, so [ "-s" "-w" "-X main.version=1.0" ], [ "-X" "main.version=1.0" ]
# and [ "-X 'main.msg=hello world'" ] build what buildGoModule builds; -X
# values holding quotes or a literal $WORK reach the binary as written; a
# module in a directory named "my project's «src»", with a file named it's.go,
# builds. Every binary equals go build's with the same toolchain and
# -ldflags="<elements joined with spaces> -buildid=". A tags element with a
# space or a comma, or an ldflags list with an unterminated quote, is an
# evaluation error naming it.
. tests/lib.sh

src="$TMP/quoting"
cp -r tests/fixtures/quoting "$src"

# nix_path DIR: a Nix expression for the absolute path DIR, whatever it holds.
nix_path() {
  local s=$1
  s=${s//\\/\\\\} s=${s//\"/\\\"} s=${s//\$/\\\$}
  printf '/. + "%s"' "$s"
}

# same NAME DIR NIX-LDFLAGS JOINED [NIX-ARGS…]: DIR built with ldflags =
# NIX-LDFLAGS equals go build -ldflags="JOINED -buildid=" run in DIR; the
# output path is in $LAST_OUT, what the binary prints in $LAST_PRINTED.
same() {
  local name=$1 dir=$2 nixflags=$3 joined=$4 out; shift 4
  out=$(gg_build --arg src "$(nix_path "$dir")" --arg ldflags "$nixflags" "$@") ||
    fail "$name: ldflags = $nixflags: build failed"
  (cd "$dir" && go_env GOFLAGS=-mod=readonly CGO_ENABLED=0 \
    go build -trimpath -buildvcs=false -ldflags="$joined -buildid=" -o "$TMP/$name.ref" .) ||
    fail "$name: go build -ldflags=\"$joined -buildid=\" failed"
  [ -x "$out/bin/quoting" ] || fail "$name: no bin/quoting in $out"
  [ "$(sha "$out/bin/quoting")" = "$(sha "$TMP/$name.ref")" ] ||
    fail "$name: ldflags = $nixflags: bin/quoting differs from go build -ldflags=\"$joined -buildid=\"'s"
  LAST_OUT=$out LAST_PRINTED=$("$out/bin/quoting") || fail "$name: bin/quoting failed"
  say "ok: $name: ldflags = $nixflags is bit-identical to go build -ldflags=\"$joined -buildid=\""
}

# prints NAME LINE: the last binary printed LINE.
prints() {
  grep -qxF -- "$2" <<< "$LAST_PRINTED" || fail "$1: bin/quoting does not print $2 but: $LAST_PRINTED"
  say "ok: $1: prints $2"
}

# The three spellings of buildGoModule's documentation and issues.
same separate "$src" '[ "-s" "-w" "-X main.version=1.0" ]' '-s -w -X main.version=1.0'
prints separate 'version=1.0'
same split "$src" '[ "-X" "main.version=1.0" ]' '-X main.version=1.0'
prints split 'version=1.0'
same quoted "$src" "[ \"-X 'main.msg=hello world'\" ]" "-X 'main.msg=hello world'"
prints quoted 'msg=hello world'
# The same in the modes without the plugin's planner in the evaluator.
for mode in ifd monolithic; do
  same "quoted-$mode" "$src" "[ \"-X 'main.msg=hello world'\" ]" "-X 'main.msg=hello world'" --argstr mode "$mode"
  prints "quoted-$mode" 'msg=hello world'
done

# Rejected at evaluation, naming the list or the element. The patterns match
# the messages, never the Nix source line an error may echo.
gg="import $ROOT/tests/build.nix"
expect_eval_error "($gg { src = $src; tags = [ \"netgo\" \"a b\" ]; }).drvPath" 'tags: "a b" contains a space'
expect_eval_error "($gg { src = $src; tags = [ \"a,b\" ]; }).drvPath" 'tags: "a,b" contains a comma'
expect_eval_error "($gg { src = $src; ldflags = [ \"-X 'main.a=b\" ]; }).drvPath" \
  "ldflags: unterminated ' in \"-X 'main\\.a=b -buildid=\""

# Quotes inside a field, and a literal $WORK (the placeholder of go build -n's
# script), reach the binary as written.
same quote-in-value "$src" "[ \"-X main.v=a'b'c\" ]" "-X main.v=a'b'c"
prints quote-in-value "v=a'b'c"
same work-in-value "$src" '[ "-X main.v=$WORK/x" ]' '-X main.v=$WORK/x'
prints work-in-value 'v=$WORK/x'

# A module in a directory whose name holds spaces, a quote and non-ASCII
# characters, with a file named it's.go.
odd="$TMP/my project's «src»"
cp -r tests/fixtures/quoting "$odd"
same odd-path "$odd" '[ "-X main.version=1.0" ]' '-X main.version=1.0'
prints odd-path 'version=1.0'
prints odd-path "file=it's.go"

# Go build settings of the environment: multi built with env.GOAMD64 =
# "v3" equals `GOAMD64=v3 go build`'s, which differs from the default v1
# binary; a goEnv name that is not a build setting is an error naming it.
msrc="$TMP/multi-goamd64"
cp -r tests/fixtures/multi "$msrc"
out=$(gg_build --arg src "$msrc" --arg env '{ GOAMD64 = "v3"; }')
go_build_ref "$msrc" "$TMP/multi-v3.ref" && mv "$TMP/multi-v3.ref" "$TMP/multi-v1.ref"
(cd "$msrc" && go_env GOFLAGS=-mod=readonly CGO_ENABLED=0 GOAMD64=v3 \
  go build -trimpath -buildvcs=false -ldflags=-buildid= -o "$TMP/multi-v3.ref" .) || fail "GOAMD64=v3 go build failed"
[ "$(sha "$out/bin/multi")" = "$(sha "$TMP/multi-v3.ref")" ] || fail "bin/multi with GOAMD64 = v3 differs from GOAMD64=v3 go build's"
[ "$(sha "$TMP/multi-v3.ref")" != "$(sha "$TMP/multi-v1.ref")" ] || fail "GOAMD64=v3 changed nothing: the check proves nothing"
say "ok: env.GOAMD64 = \"v3\" gives GOAMD64=v3 go build's binary ($(sha "$TMP/multi-v3.ref")), not v1's"
expect_eval_error "builtins.goPackageGraph { src = $msrc; go = \"$GOROOT_STORE\"; builder = \"/nix/store/x\"; goEnv.GOPATH = \"/x\"; }" \
  'goEnv: GOPATH is not a Go build setting nix-gograph passes on'
