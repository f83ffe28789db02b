#!/usr/bin/env bash
# Captures what `go build -n` and `go test -c -n` print, invoked as the
# planner invokes them (gocmd.go, plan.go, tests.go), for every supported Go
# release and the fixtures the parser must read: the files in n/ are real
# tool output, never written by hand. The parser's tests (script_test.go)
# read them.
#
# Usage: gobridge/plan/testdata/capture.sh [VERSION…]
#   VERSION defaults to the latest patch release of each supported minor
#   release; each toolchain is fetched from the Go module proxy
#   (golang.org/toolchain@v0.0.1-goVERSION.linux-amd64).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(1.22.12 1.23.12 1.24.13 1.25.14 1.26.11 1.27.4)

# Fixed, odd locations, so the captures show cmd/go's quoting of a module
# root with spaces, quotes and non-ASCII characters as well as plain ones.
work=/tmp/gograph-capture
rm -rf "$work" && mkdir -p "$work/src" "$work/odd/my project's «src»" "$work/dl"
for f in multi cgo features tested deps; do cp -r "$repo/tests/fixtures/$f" "$work/src/$f"; done
# features asks for go 1.26 and an x/net that does too; every supported
# toolchain plans a copy that asks for go 1.22 and x/net v0.30.0.
printf 'module example.com/features\n\ngo 1.22\n\nrequire golang.org/x/net v0.30.0\n' > "$work/src/features/go.mod"
(cd "$work/src/features" && rm go.sum && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod tidy) >&2
cp -r "$repo/tests/fixtures/multi" "$work/odd/my project's «src»/multi"
printf 'package leaf\n\n// Quoted is in a file whose name has a quote.\nconst Quoted = "it'"'"'s"\n' \
  > "$work/odd/my project's «src»/multi/internal/leaf/it's.go"
printf 'module dl\n\ngo 1.22\n' > "$work/dl/go.mod"
export GOMODCACHE=${GOMODCACHE:-$(go env GOMODCACHE)}

# goenv GOROOT ARGS…: the planner's environment (gocmd.go env()).
goenv() {
  local goroot=$1; shift
  env -i PATH="$goroot/bin" HOME="$work/home" TMPDIR="$work/tmp" GOCACHE="$work/cache" GOPATH="$work/gopath" \
    GOTOOLCHAIN=local GOFLAGS=-mod=readonly GOWORK=off GOENV=off GOPROXY=off GOSUMDB=off GO111MODULE=on \
    GOMAXPROCS=4 GOMODCACHE="$GOMODCACHE" "$@"
}

for v in "${versions[@]}"; do
  dir=$(cd "$work/dl" && GOFLAGS=-mod=mod go mod download -json "golang.org/toolchain@v0.0.1-go$v.linux-amd64" |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  goroot=$work/go$v
  cp -r "$dir" "$goroot" && chmod -R u+w "$goroot" && chmod +x "$goroot"/bin/* "$goroot"/pkg/tool/*/*
  mkdir -p "$work/tmp" "$here/n/go$v"
  out=$here/n/go$v
  # The modules the fixtures need, from the proxy, into GOMODCACHE.
  for f in deps features tested; do (cd "$work/src/$f" && GOFLAGS=-mod=mod GOTOOLCHAIN=local "$goroot/bin/go" mod download); done
  build() { # NAME DIR ENV… -- FLAGS…
    local name=$1 d=$2 envs=()
    shift 2
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    (cd "$d" && goenv "$goroot" "${envs[@]}" go build -n -a -p 1 -trimpath -buildvcs=false "$@" \
      -o "$work/scratch/bin/" -- ./...) > "$out/$name.build.txt" 2>&1
  }
  build multi "$work/src/multi" CGO_ENABLED=0 -- -ldflags=-buildid=
  build deps "$work/src/deps" CGO_ENABLED=0 -- -ldflags=-buildid=
  build cgo "$work/src/cgo" CGO_ENABLED=1 CC="$(command -v gcc)" -- -ldflags=-buildid=
  build features "$work/src/features" CGO_ENABLED=0 -- -tags=extra "-ldflags=-X main.version=1.0 -s -w -buildid=" \
    "-gcflags=-N -l" -asmflags=example.com/features/internal/asmsum=-spectre=all
  build cross-arm64 "$work/src/features" CGO_ENABLED=0 GOOS=linux GOARCH=arm64 -- -ldflags=-buildid=
  build odd "$work/odd/my project's «src»/multi" CGO_ENABLED=0 -- \
    "-ldflags=-X main.v=a'b'c -X 'main.msg=hello world' -X main.w=\$WORK/x -buildid="
  (cd "$work/src/tested" && goenv "$goroot" CGO_ENABLED=0 go test -c -n -a -p 1 -vet=off -trimpath -buildvcs=false \
    -ldflags=-buildid= -o "$work/scratch/tests/" ./leaf ./mid ./other) > "$out/tested.test.txt" 2>&1
  # What the parser is told: the root each script ran in.
  printf '%s\n' "multi $work/src/multi" "deps $work/src/deps" "cgo $work/src/cgo" "features $work/src/features" \
    "cross-arm64 $work/src/features" "odd $work/odd/my project's «src»/multi" "tested $work/src/tested" > "$out/roots.txt"
  echo "capture: go$v done" >&2
done
