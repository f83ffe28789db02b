#!/usr/bin/env bash
# Captures what `go build -n` and `go test -c -n` print when they fail (or
# warn), invoked as the planner invokes them (gocmd.go, plan.go, tests.go),
# for the fixtures below: the files in go1.*/ are real tool output, never
# written by hand. goerrors_test.go reads them.
#
# Usage: gobridge/plan/testdata/fail/capture.sh GOROOT…
#   Each GOROOT is a toolchain (e.g. /usr/local/go, or one that
#   ../capture.sh unpacked); its output goes to go<version>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || { echo "usage: $0 GOROOT…" >&2; exit 2; }
work=/tmp/gograph-fail-capture
rm -rf "$work" && mkdir -p "$work/home" "$work/tmp"

# fixture NAME FILE CONTENT [FILE CONTENT]…: a module example.com/NAME.
fixture() {
  local d=$work/src/$1; shift
  mkdir -p "$d" && printf 'module example.com/%s\n\ngo 1.22\n' "$(basename "$d")" > "$d/go.mod"
  while [ $# -gt 0 ]; do mkdir -p "$(dirname "$d/$1")" && printf '%s' "$2" > "$d/$1"; shift 2; done
}
fixture cgoflag main.go $'package main\n\n// #cgo CFLAGS: -fplugin=x\nimport "C"\n\nfunc main() {}\n'
fixture cgoldflag main.go $'package main\n\n// #cgo LDFLAGS: -Wl,-plugin=x\nimport "C"\n\nfunc main() {}\n'
fixture cgotwo main.go $'package main\n\nimport (\n\t_ "example.com/cgotwo/a"\n\t_ "example.com/cgotwo/b"\n)\n\nfunc main() {}\n' \
  a/a.go $'package a\n\n// #cgo CFLAGS: -fplugin=a\nimport "C"\n' \
  b/b.go $'package b\n\n// #cgo CPPFLAGS: -imacros /etc/passwd\nimport "C"\n'
fixture testonly main.go $'package main\n\nfunc main() {}\n' x/x_test.go $'package x\n'
fixture testcgo main.go $'package main\n\nfunc main() {}\n' \
  main_test.go $'package main\n\nimport (\n\t"testing"\n\n\t_ "example.com/testcgo/bad"\n)\n\nfunc TestX(t *testing.T) {}\n' \
  bad/bad.go $'package bad\n\n// #cgo CFLAGS: -fplugin=x\nimport "C"\n'
fixture empty
fixture plain main.go $'package main\n\nfunc main() {}\n'

for goroot in "$@"; do
  v=$("$goroot/bin/go" env GOVERSION)
  out=$here/$v
  mkdir -p "$out"
  # run NAME DIR ENV… -- ARGS…: the planner's environment (gocmd.go env()).
  run() {
    local name=$1 d=$work/src/$2 envs=()
    shift 2
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    rm -rf "$work/cache"
    (cd "$d" && env -i PATH="$goroot/bin" HOME="$work/home" TMPDIR="$work/tmp" GOCACHE="$work/cache" \
      GOPATH="$work/gopath" GOTOOLCHAIN=local GOFLAGS=-mod=readonly GOWORK=off GOENV=off GOPROXY=off GOSUMDB=off \
      GO111MODULE=on GOMAXPROCS=4 "${envs[@]}" go "$@") > "$out/$name.txt" 2>&1 || true
    echo "$name $d" >> "$out/roots.txt"
  }
  : > "$out/roots.txt"
  build=(build -n -a -p 1 -trimpath -buildvcs=false -ldflags=-buildid= -o "$work/scratch/bin/")
  # A library's script: the planner's second try, without -o.
  lib=(build -n -a -p 1 -trimpath -buildvcs=false -ldflags=-buildid=)
  cc=(CGO_ENABLED=1 CC="$(command -v gcc)")
  run cgoflag cgoflag "${cc[@]}" -- "${build[@]}" -- ./...
  run cgoldflag cgoldflag "${cc[@]}" -- "${build[@]}" -- ./...
  run cgotwo cgotwo "${cc[@]}" -- "${build[@]}" -- ./...
  run testonly testonly CGO_ENABLED=0 -- "${lib[@]}" -- ./x
  run testcgo testcgo "${cc[@]}" -- test -c -n -a -p 1 -vet=off -trimpath -buildvcs=false -ldflags=-buildid= \
    -o "$work/scratch/tests/" .
  run empty empty CGO_ENABLED=0 -- "${lib[@]}" -- ./...
  run goarch plain CGO_ENABLED=0 GOOS=linux GOARCH=nosuch -- "${build[@]}" -- ./...
  echo "capture: $v done" >&2
done
