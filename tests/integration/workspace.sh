# go.work workspaces: src holding a go.work of three modules (app1 and app2
# with main packages, lib with a third-party dependency and a test) builds
# both programs bit-identical to `go build` run in the workspace, in modes
# plugin, ifd (the same derivations), monolithic and, on Nix 2.34, dynamic;
# each workspace module's packages come from their own source paths; a leaf
# edit in lib rebuilds only lib's packages that import it, the programs'
# main packages and the links (and lib's test); subPackages may name a
# package of any module; the dev shell works in the workspace; workspace =
# false plans with GOWORK=off; a use or replace leaving src is an error
# naming it.
. tests/lib.sh

src="$TMP/ws"
cp -r tests/fixtures/workspace "$src"
chmod -R u+w "$src"
gg="import $ROOT/tests/build.nix"

# ref DIR: `go build` of both programs in the workspace DIR into $TMP/ref/.
ref() {
  rm -rf "$TMP/ref"
  (cd "$1" && go_env GOFLAGS=-mod=readonly CGO_ENABLED=0 \
    go build -trimpath -buildvcs=false -ldflags=-buildid= -o "$TMP/ref/" ./app1 ./app2/cmd/app2) \
    2> "$TMP/go-build-ref.log" || { cat "$TMP/go-build-ref.log" >&2; fail "go build in the workspace failed"; }
}

# same_as_ref OUT WHAT: OUT's bin/app1 and bin/app2 are go build's.
same_as_ref() {
  local p
  for p in app1 app2; do
    [ "$(sha "$1/bin/$p")" = "$(sha "$TMP/ref/$p")" ] || fail "$2: bin/$p differs from go build's in the workspace"
  done
  say "ok: $2: bin/app1 and bin/app2 are bit-identical to go build in the workspace ($(sha "$TMP/ref/app1" | cut -c1-12)…, $(sha "$TMP/ref/app2" | cut -c1-12)…)"
}

out=$(gg_build --arg src "$src") || fail "building the workspace failed"
[ "$("$out/bin/app1")" = "app1: hello app1 7bd6a79b-b6e5-5504-8321-a64becefcbf7" ] || fail "bin/app1 printed $("$out/bin/app1")"
[ "$("$out/bin/app2")" = "app2: hello" ] || fail "bin/app2 printed $("$out/bin/app2")"
ref "$src"
same_as_ref "$out" "mode plugin"

# Each module's packages come from their own source path; the third-party
# module from go.sum's store path.
pkg_field() { # pkg_field IMPORTPATH FIELD
  nix-instantiate --plugin-files "$PLUGIN" --eval --json -E \
    "($gg { src = $src; }).graph.packages.\"$1\".$2" 2> "$TMP/eval.log" | tr -d '"'
}
for p in example.com/ws/app1:app1 example.com/ws/app2/cmd/app2:app2/cmd/app2 example.com/ws/lib:lib example.com/ws/lib/leaf:lib/leaf; do
  ip=${p%%:*} dir=${p#*:}
  [ "$(pkg_field "$ip" kind)" = main-module ] || { cat "$TMP/eval.log" >&2; fail "$ip is not a workspace (main-module) package"; }
  s=$(pkg_field "$ip" src)
  [ -f "$s/$(ls "$src/$dir" | grep -v _test.go | grep '\.go$' | head -1)" ] || fail "$ip's source path $s lacks its files"
  [ -z "$(ls "$s" | grep -v '\.go$')" ] || fail "$ip's source path $s holds more than its Go files: $(ls "$s")"
done
case $(pkg_field github.com/google/uuid src) in
  /nix/store/*-gomod-github.com-google-uuid-v1.6.0) say "ok: each workspace module's packages have their own source path; uuid comes from lib/go.sum" ;;
  *) fail "github.com/google/uuid does not come from its module store path" ;;
esac

# lib's test ran, from lib's own directory.
log=$(nix-build --plugin-files "$PLUGIN" --no-out-link "$ROOT/tests/build.nix" --arg src "$src" --arg checkFlags '[ "-v" ]' \
  -A 'tests."example.com/ws/lib"' 2> "$TMP/test-build.log")/test.log || { cat "$TMP/test-build.log"; fail "lib's test failed"; }
grep -q -- "--- PASS: TestMessage" "$log" && grep -q "lib test ran" "$log" || { cat "$log"; fail "lib's test log does not show TestMessage"; }
say "ok: tests.\"example.com/ws/lib\" ran TestMessage"

# A leaf edit: only lib/leaf, its importers, the links (and lib's test,
# which imports leaf through lib) rebuild.
sed -i "s/return \"hello\"/return \"hello\" + \"-$(date +%s%N)\"/" "$src/lib/leaf/leaf.go"
out=$(gg_build -v --arg src "$src") || fail "rebuilding after the leaf edit failed"
built_names > "$TMP/rebuilt.txt"
cat > "$TMP/expected.txt" <<'EOF'
app-0
app1-link
app2-link
go-example.com-ws-app1
go-example.com-ws-app2-cmd-app2
go-example.com-ws-lib
go-example.com-ws-lib-leaf
go-example.com-ws-lib.test
go-example.com-ws-lib__example.com-ws-lib.test_
lib.test-link
test-example.com-ws-lib
EOF
diff -u "$TMP/expected.txt" "$TMP/rebuilt.txt" || fail "a leaf edit in lib rebuilt the wrong derivations"
say "ok: a leaf edit rebuilt only: $(tr '\n' ' ' < "$TMP/rebuilt.txt")"
ref "$src"
same_as_ref "$out" "after the leaf edit"

# subPackages naming a package of another module than the first use.
out=$(gg_build --arg src "$src" --arg subPackages '[ "app2/cmd/app2" ]') || fail "subPackages app2/cmd/app2 failed"
[ "$(ls "$out/bin")" = app2 ] || fail "subPackages app2/cmd/app2 built $(ls "$out/bin")"
[ "$(sha "$out/bin/app2")" = "$(sha "$TMP/ref/app2")" ] || fail "subPackages app2/cmd/app2: bin/app2 differs from go build's"
say "ok: subPackages = [ \"app2/cmd/app2\" ] builds bin/app2 only, bit-identical"

# Mode ifd: the lock covers every go.sum of the workspace; the same link
# derivations as the plugin's.
drv_of() { # drv_of ARGS ATTR
  nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval -E \
    "($gg ({ src = $src; } // $1)).$2.drvPath" 2> "$TMP/drv.log" | tr -d '"'
}
for p in app1 app2; do
  plugin_drv=$(drv_of '{ }' "binaries.$p") ifd_drv=$(drv_of '{ mode = "ifd"; }' "binaries.$p")
  [ -n "$ifd_drv" ] || { cat "$TMP/drv.log" >&2; fail "mode ifd did not plan the workspace"; }
  [ "$plugin_drv" = "$ifd_drv" ] || fail "the link of $p is $plugin_drv in mode plugin but $ifd_drv in mode ifd"
done
say "ok: modes plugin and ifd give the same links"
out=$(gg_build --arg src "$src" --argstr mode monolithic) || fail "mode monolithic failed"
same_as_ref "$out" "mode monolithic"
case $(nix --version) in
  *" 2.3"[4-9]*)
    out=$(with_dynamic nix-build --no-out-link "$ROOT/tests/build.nix" --arg src "$src" --argstr mode dynamic 2> "$TMP/build.log") ||
      { cat "$TMP/build.log" >&2; fail "mode dynamic failed"; }
    same_as_ref "$out" "mode dynamic" ;;
esac

# The dev shell: go sees the workspace, offline, with the build's modules
# (planning fetched them for this HOME's module index first).
HOME=$TMP/home nix-instantiate --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$src" -A devShell \
  > /dev/null 2> "$TMP/eval.log" || { cat "$TMP/eval.log" >&2; fail "nix-instantiate -A devShell failed"; }
(cd "$src" && HOME=$TMP/home GOPROXY=https://127.0.0.1:9 NIX_BUILD_SHELL=$(command -v bash) unshare -n \
  nix-shell --plugin-files "$PLUGIN" "$ROOT/tests/build.nix" --arg src "$src" -A devShell \
  --run 'go test ./lib/... && go build -o "$TMPDIR/shell-bin/" ./app1 && "$TMPDIR/shell-bin/app1"') \
  > "$TMP/shell.log" 2>&1 || { cat "$TMP/shell.log" >&2; fail "go test and go build in the workspace's dev shell failed"; }
grep -Eq '^ok[[:space:]]+example.com/ws/lib' "$TMP/shell.log" && grep -q '^app1: hello' "$TMP/shell.log" ||
  { cat "$TMP/shell.log" >&2; fail "the dev shell did not test lib and run app1"; }
say "ok: nix-shell -A devShell runs go test ./lib/... and builds app1 in the workspace, offline"

# workspace = false: GOWORK=off, and the workspace root is no module.
expect_eval_error "($gg { src = $src; workspace = false; }).drvPath" "src $src has no go.mod"

# A use leaving src, and a replace leaving src in a workspace module.
cp -r tests/fixtures/workspace "$TMP/outside"
chmod -R u+w "$TMP/outside"
printf 'go 1.22\n\nuse (\n\t./app1\n\t../elsewhere/lib\n)\n' > "$TMP/outside/go.work"
expect_eval_error "($gg { src = $TMP/outside; }).drvPath" 'go\.work:5: use \.\./elsewhere/lib: the directory is outside src'
cp -r tests/fixtures/workspace "$TMP/replaced"
chmod -R u+w "$TMP/replaced"
printf '\nreplace github.com/google/uuid => ../../uuid\n' >> "$TMP/replaced/lib/go.mod"
expect_eval_error "($gg { src = $TMP/replaced; }).drvPath" 'lib/go\.mod:[0-9]+: replace github\.com/google/uuid => \.\./\.\./uuid: the directory is outside src'
# A replace between workspace modules stays inside src and is fine.
printf '\nrequire example.com/ws/lib v0.0.0\n\nreplace example.com/ws/lib => ../lib\n' >> "$src/app1/go.mod"
gg_build --arg src "$src" > /dev/null || fail "a replace of one workspace module by another failed"
say "ok: replace example.com/ws/lib => ../lib inside src builds"
