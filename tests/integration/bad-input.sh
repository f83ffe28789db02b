# Bad input gives a clear Nix error naming the culprit — never a crash.
. tests/lib.sh

gg="import $ROOT/tests/build.nix"
tc="(import $ROOT/build/host-toolchain.nix)"
mkdir -p "$TMP/nomod" && echo 'package main' > "$TMP/nomod/main.go"

expect_eval_error 'builtins.goPackageGraph 1' 'builtins.goPackageGraph takes an attribute set, but got an integer'
expect_eval_error 'builtins.goPackageGraph { }' "attribute 'src' missing in the argument of builtins.goPackageGraph"
expect_eval_error "builtins.goPackageGraph { src = $ROOT/tests/fixtures/hello; go = \"\${$tc.go}\"; builder = \"/bin/sh\"; bogus = 1; }" "bogus"
expect_eval_error "($gg { src = $TMP/nomod; }).drvPath" "has no go.mod"
expect_eval_error "($gg { src = $ROOT/tests/fixtures/multi; subPackages = [ \"./nope\" ]; }).drvPath" \
  'subPackages: no Go package at "./nope"'

# A flag-like entry is a package path, never a flag: nothing runs it.
rm -f "$TMP/toolexec-ran"
printf '#!/bin/sh\ntouch %s/toolexec-ran\nexec "$@"\n' "$TMP" > "$TMP/toolexec.sh" && chmod +x "$TMP/toolexec.sh"
expect_eval_error "($gg { src = $ROOT/tests/fixtures/multi; subPackages = [ \"-toolexec=$TMP/toolexec.sh\" ]; }).drvPath" \
  'subPackages: no Go package at "./-toolexec='
[ ! -e "$TMP/toolexec-ran" ] || fail "-toolexec in subPackages ran a program"
say "ok: -toolexec in subPackages ran nothing"

mkdir -p "$TMP/cycle/a" "$TMP/cycle/b"
printf 'module example.com/cycle\n\ngo 1.22\n' > "$TMP/cycle/go.mod"
printf 'package main\n\nimport _ "example.com/cycle/a"\n\nfunc main() {}\n' > "$TMP/cycle/main.go"
printf 'package a\n\nimport _ "example.com/cycle/b"\n' > "$TMP/cycle/a/a.go"
printf 'package b\n\nimport _ "example.com/cycle/a"\n' > "$TMP/cycle/b/b.go"
expect_eval_error "($gg { src = $TMP/cycle; }).drvPath" 'import cycle not allowed.*example.com/cycle/a'

# A syntax error is found by the compiler at build time: the build fails,
# naming the package and showing the compiler's message.
cp -r tests/fixtures/multi "$TMP/syntax"
printf 'package leaf\n\nfunc Greeting() string {\n\treturn "leaf" +\n}\n' > "$TMP/syntax/internal/leaf/leaf.go"
if gg_build --arg src "$TMP/syntax" > /dev/null 2>&1; then fail "a syntax error built"; fi
grep -q 'example.com/multi/internal/leaf' "$TMP/build.log" || { cat "$TMP/build.log"; fail "build log does not name the package"; }
grep -q 'syntax error' "$TMP/build.log" || { cat "$TMP/build.log"; fail "build log does not show the compiler's message"; }
say "ok: a syntax error fails the build of example.com/multi/internal/leaf with the compiler's message"

# subPackages lists programs: a library package is an error naming it.
expect_eval_error "($gg { src = $ROOT/tests/fixtures/multi; subPackages = [ \"internal/leaf\" ]; }).drvPath" \
  'subPackages: ./internal/leaf is package leaf \(example.com/multi/internal/leaf\), not a main package'
expect_eval_error "($gg { src = $ROOT/tests/fixtures/hello; goos = \"plan10\"; }).drvPath" \
  'goos "plan10".*unsupported GOOS/GOARCH pair plan10/amd64'

# A package that only builds with cgo, while cgo is off.
mkdir -p "$TMP/cgoonly/m"
printf 'module example.com/cgoonly\n\ngo 1.22\n' > "$TMP/cgoonly/go.mod"
printf 'package main\n\nimport "example.com/cgoonly/m"\n\nfunc main() { println(m.Two()) }\n' > "$TMP/cgoonly/main.go"
printf 'package m\n\n// static int two(void) { return 2; }\nimport "C"\n\nfunc Two() int { return int(C.two()) }\n' > "$TMP/cgoonly/m/m.go"
expect_eval_error "($gg { src = $TMP/cgoonly; }).drvPath" \
  'package example.com/cgoonly/m needs cgo \(m.go imports "C"\).*env.CGO_ENABLED = 1'
