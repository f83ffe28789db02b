# The bad-input table (issue 13): every row of bad-input.rows runs a real
# nix-instantiate (or nix-build) with the plugin and asserts the culprit the
# error names — exit status 1, never a signal — or the success that is the
# right answer. A row whose pattern matches its own expression proves
# nothing (Nix echoes the source line) and fails. Every row runs; the
# failures are listed at the end. ONLY=GLOB runs the rows whose name matches.
. tests/lib.sh
rows=tests/integration/bad-input.rows
F=$TMP/f
mkdir -p "$F"

# --- fixtures, built once

# gomod DIR MODULE [GO]: DIR holding a go.mod for MODULE.
gomod() { mkdir -p "$1" && printf 'module %s\n\ngo %s\n' "$2" "${3:-1.22}" > "$1/go.mod"; }
# mainpkg DIR [IMPORT…]: DIR/main.go, a main package importing IMPORTs.
mainpkg() {
  local dir=$1 imp; shift
  { printf 'package main\n\n'; for imp; do printf 'import _ "%s"\n' "$imp"; done; printf '\nfunc main() {}\n'; } > "$dir/main.go"
}
# uses DIR MODULE DEP VERSION: a module needing DEP@VERSION, with the go.sum
# lines mkproxy printed when it published DEP.
uses() {
  gomod "$1" "$2"
  printf 'require %s %s\n' "$3" "$4" >> "$1/go.mod"
  mainpkg "$1" "$3"
  cp "$F/sum-$(basename "$3")" "$1/go.sum"
}

printf 'not a module\n' > "$F/plain-file"
mkdir -p "$F/empty"
printf '\xff\xfe-not-utf8' > "$F/badutf8"
printf '#!/bin/sh\ntouch %s/toolexec-ran\nexec "$@"\n' "$TMP" > "$F/toolexec.sh" && chmod +x "$F/toolexec.sh"

# Modules on a file:// GOPROXY (tests/tools/mkproxy), each used by one
# scenario so the module index of one row does not answer another.
go build -o "$TMP/mkproxy" ./tests/tools/mkproxy || fail "building tests/tools/mkproxy failed"
# The plugin's module index starts empty (after go build, whose cache is
# under XDG_CACHE_HOME too).
export XDG_CACHE_HOME="$TMP/xdg-cache"
proxy=$F/proxy
for dep in dep offdep privdep credep; do
  "$TMP/mkproxy" "$proxy" "example.com/$dep" v1.0.0 "$dep.go" > "$F/sum-$dep" || fail "mkproxy $dep failed"
done
# No row reaches the network: rows that fetch name their proxy.
mkdir -p "$F/noproxy"
export GOPROXY=file://$F/noproxy
printf 'GOPROXY=off\n' > "$F/goenv"

mkdir -p "$F/nomod" && mainpkg "$F/nomod"
mkdir -p "$F/nomoduleline" && printf 'go 1.22\n' > "$F/nomoduleline/go.mod" && mainpkg "$F/nomoduleline"
gomod "$F/badgomod" example.com/badgomod && printf 'frobnicate everything\n' >> "$F/badgomod/go.mod" && mainpkg "$F/badgomod"
gomod "$F/badsum" example.com/badsum && mainpkg "$F/badsum" && printf 'this is not a go.sum line\n' > "$F/badsum/go.sum"
uses "$F/uses" example.com/uses example.com/dep v1.0.0
uses "$F/altered" example.com/altered example.com/dep v1.0.0
sed -i 's|^\(example.com/dep v1.0.0\) h1:.*|\1 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=|' "$F/altered/go.sum"
uses "$F/nosum" example.com/nosum example.com/dep v1.0.0 && sed -i '/^example.com\/dep v1.0.0 h1:/d' "$F/nosum/go.sum"
uses "$F/nogosum" example.com/nogosum example.com/dep v1.0.0 && rm "$F/nogosum/go.sum"
uses "$F/noversion" example.com/noversion example.com/dep v1.0.0 && sed -i 's/v1.0.0/v1.9.9/' "$F/noversion/go.mod" "$F/noversion/go.sum"
uses "$F/replout" example.com/replout example.com/dep v1.0.0
gomod "$F/outside-dep" example.com/dep && printf 'package dep\n' > "$F/outside-dep/dep.go"
printf 'replace example.com/dep => ../outside-dep\n' >> "$F/replout/go.mod"
gomod "$F/newgo" example.com/newgo 1.99 && mainpkg "$F/newgo"
gomod "$F/toolchainline" example.com/toolchainline && printf 'toolchain go1.99.0\n' >> "$F/toolchainline/go.mod" && mainpkg "$F/toolchainline"
gomod "$F/gowork" example.com/gowork && mainpkg "$F/gowork" && printf 'go 1.22\n\nuse ../elsewhere\n' > "$F/gowork/go.work"
gomod "$F/vendorstale" example.com/vendorstale && mainpkg "$F/vendorstale"
mkdir -p "$F/vendorstale/vendor" && printf '# example.com/dep v1.0.0\n## explicit\nexample.com/dep\n' > "$F/vendorstale/vendor/modules.txt"
uses "$F/offuse" example.com/offuse example.com/offdep v1.0.0
uses "$F/privuse" example.com/privuse example.com/privdep v1.0.0
uses "$F/creduse" example.com/creduse example.com/credep v1.0.0

gomod "$F/cycle" example.com/cycle && mainpkg "$F/cycle" example.com/cycle/a
mkdir -p "$F/cycle/a" "$F/cycle/b"
printf 'package a\n\nimport _ "example.com/cycle/b"\n' > "$F/cycle/a/a.go"
printf 'package b\n\nimport _ "example.com/cycle/a"\n' > "$F/cycle/b/b.go"
# A package that only builds with cgo, while cgo is off.
gomod "$F/cgoonly" example.com/cgoonly && mkdir -p "$F/cgoonly/m"
printf 'package main\n\nimport "example.com/cgoonly/m"\n\nfunc main() { println(m.Two()) }\n' > "$F/cgoonly/main.go"
printf 'package m\n\n// static int two(void) { return 2; }\nimport "C"\n\nfunc Two() int { return int(C.two()) }\n' > "$F/cgoonly/m/m.go"
gomod "$F/nobuild" example.com/nobuild && printf '//go:build ignore\n\npackage main\n' > "$F/nobuild/main.go"
gomod "$F/cgoflag" example.com/cgoflag
printf 'package main\n\n// #cgo CFLAGS: -fplugin=evil.so\nimport "C"\n\nfunc main() {}\n' > "$F/cgoflag/main.go"
# A syntax error is found by the compiler at build time.
cp -r tests/fixtures/multi "$F/syntax" && chmod -R u+w "$F/syntax"
printf 'package leaf\n\nfunc Greeting() string {\n\treturn "leaf" +\n}\n' > "$F/syntax/internal/leaf/leaf.go"

# Names: spaces, quotes and a file name with a space build; $WORK, a
# newline and bytes that are not UTF-8 are refused.
odd="$F/my proj's \"src\""
cp -r tests/fixtures/quoting "$odd" && chmod -R u+w "$odd"
printf 'package main\n\nvar spaced = "my file.go"\n' > "$odd/my file.go"
gomod "$F/\$WORK" example.com/work && mainpkg "$F/\$WORK"
gomod "$F/workfile" example.com/workfile && mainpkg "$F/workfile" && printf 'package main\n' > "$F/workfile/x\$WORK.go"
gomod "$F/newline" example.com/newline && mainpkg "$F/newline" && printf 'package main\n' > "$F/newline/a"$'\n'"b.go"
gomod "$F/nonutf8" example.com/nonutf8 && mainpkg "$F/nonutf8" && printf 'package main\n' > "$F/nonutf8/a"$'\xff'".go"

# Symlinks leaving src (to $F/outside), and one staying inside it.
mkdir -p "$F/outside/testdata" "$F/outside/pkg"
printf 'package escape\n' > "$F/outside/pkg/escape.go"
printf 'package main\n\nvar secret = 1\n' > "$F/outside/evil.go"
printf 'SECRET=outside\n' > "$F/outside/testdata/.env"
cp "$F/sum-dep" "$F/outside/go.sum"
mkdir -p "$F/outside-mod" && printf 'module example.com/linkgomod\n\ngo 1.22\n' > "$F/outside-mod/go.mod"
gomod "$F/linkdir" example.com/linkdir && mainpkg "$F/linkdir" example.com/linkdir/escape && ln -s "$F/outside/pkg" "$F/linkdir/escape"
gomod "$F/linkfile" example.com/linkfile && mainpkg "$F/linkfile" && ln -s "$F/outside/evil.go" "$F/linkfile/evil.go"
uses "$F/linkgosum" example.com/linkgosum example.com/dep v1.0.0 && ln -sf "$F/outside/go.sum" "$F/linkgosum/go.sum"
mkdir -p "$F/linkgomod" && mainpkg "$F/linkgomod" && ln -s "$F/outside-mod/go.mod" "$F/linkgomod/go.mod"
gomod "$F/linktest" example.com/linktest && mainpkg "$F/linktest" example.com/linktest/leaf && mkdir -p "$F/linktest/leaf"
printf 'package leaf\n' > "$F/linktest/leaf/leaf.go"
printf 'package leaf\n\nimport "testing"\n\nfunc TestLeaf(t *testing.T) {}\n' > "$F/linktest/leaf/leaf_test.go"
ln -s "$F/outside/testdata" "$F/linktest/leaf/testdata"
gomod "$F/linkinside" example.com/linkinside && mainpkg "$F/linkinside" example.com/linkinside/alias
mkdir -p "$F/linkinside/real" && printf 'package real\n' > "$F/linkinside/real/real.go" && ln -s real "$F/linkinside/alias"

# The placeholders of bad-input.rows.
tc="(import $ROOT/build/host-toolchain.nix)"
declare -A at=(
  [GP]="(a: builtins.goPackageGraph ({ src = $ROOT/tests/fixtures/hello; go = \"\${$tc.go}\"; builder = \"\${$tc.busybox}\"; } // a))"
  [GG]="import $ROOT/tests/build.nix"
  [TC]=$tc
  [HELLO]=$ROOT/tests/fixtures/hello
  [MULTI]=$ROOT/tests/fixtures/multi
  [F]=$F
  [BADUTF8]=$F/badutf8
  [PROXY]=$proxy
)
expand() {
  local s=$1 k
  for k in "${!at[@]}"; do s=${s//@$k@/${at[$k]}}; done
  printf '%s' "$s"
}

# --- the table

trim() { local s=$1; s=${s#"${s%%[! ]*}"}; printf '%s' "${s%"${s##*[! ]}"}"; }
failed=() n=0
log=$TMP/row.log

# row NAME ENV EXPR WANT ABSENT: runs one row; prints why it failed, if it did.
row() {
  local name=$1 env=$2 expr=$3 want=$4 absent=$5 rc=0 pattern=
  local -a envv=()
  [ "$env" = - ] || read -ra envv <<< "$env"
  case $want in
  builds | "build fails: "*)
    env "${envv[@]}" nix-build --plugin-files "$PLUGIN" --no-out-link -E "$expr" > "$log" 2>&1 || rc=$? ;;
  *)
    env "${envv[@]}" nix-instantiate --plugin-files "$PLUGIN" --read-write-mode --eval --strict -E "$expr" > "$log" 2>&1 || rc=$? ;;
  esac
  case $want in
  evaluates | builds)
    [ "$rc" = 0 ] || { echo "expected success, got exit status $rc"; return; } ;;
  "build fails: "*)
    pattern=${want#build fails: }
    [ "$rc" = 1 ] || [ "$rc" = 100 ] || { echo "expected a failed build (exit status 1 or 100), got $rc"; return; } ;;
  *)
    pattern=$want
    [ "$rc" = 1 ] || { echo "expected exit status 1, got $rc$( [ "$rc" -gt 128 ] && echo " (signal $((rc - 128)))")"; return; } ;;
  esac
  if [ -n "$pattern" ]; then
    ! grep -Eq -- "$pattern" <<< "$expr" || { echo "the pattern /$pattern/ matches the row's own expression"; return; }
    grep -Eq -- "$pattern" "$log" || { echo "the output does not match /$pattern/"; return; }
    [ "$want" != "$pattern" ] || [ "$(wc -c < "$log")" -lt 4096 ] || { echo "the error is $(wc -c < "$log") bytes, not under 4 KB"; return; }
  fi
  if [ -n "$absent" ] && grep -Eq -- "$absent" "$log"; then echo "the output matches /$absent/, which must not appear"; return; fi
}

while IFS= read -r line; do
  case $line in '' | '#'*) continue ;; esac
  IFS=$'\x1f' read -r name env expr want absent <<< "${line// | /$'\x1f'}"
  name=$(trim "$name") env=$(trim "$(expand "$env")") expr=$(trim "$(expand "$expr")")
  want=$(trim "$want") absent=$(trim "$absent")
  [ -n "${ONLY:-}" ] && [[ $name != $ONLY ]] && continue
  n=$((n + 1))
  why=$(row "$name" "$env" "$expr" "$want" "$absent")
  if [ -z "$why" ]; then
    say "ok: $name: ${want}"
  else
    echo "FAIL: $name: $why" >&2
    echo "  expression: $expr" >&2
    head -c 3000 "$log" | sed 's/^/  | /' >&2
    failed+=("$name")
  fi
done < "$rows"

# A flag-like subPackages entry is a package path, never a flag: nothing ran it.
[ ! -e "$TMP/toolexec-ran" ] || fail "-toolexec (in subPackages or GOFLAGS) ran a program"
say "ok: -toolexec in subPackages and GOFLAGS ran nothing"

[ "${#failed[@]}" = 0 ] || fail "${#failed[@]} of $n rows failed: ${failed[*]}"
say "ok: all $n rows"
