package plan

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGoBuildErrorCaptured reads what real toolchains printed when go build
// -n or go test -c -n failed (testdata/fail/capture.sh): the error names
// the package and holds go's error lines, in order, and nothing of the
// script, however far into it go printed them.
func TestGoBuildErrorCaptured(t *testing.T) {
	tests := []struct {
		name, cmd, pkg string
		// lines are prefixes of the error lines, in order (go 1.24 and
		// later add " (see https://go.dev/s/invalidflag)").
		lines []string
	}{
		{"cgoflag", "go build -n", "example.com/cgoflag",
			[]string{"example.com/cgoflag: invalid flag in #cgo CFLAGS: -fplugin=x"}},
		{"cgoldflag", "go build -n", "example.com/cgoldflag",
			[]string{"example.com/cgoldflag: invalid flag in #cgo LDFLAGS: -Wl,-plugin=x"}},
		{"cgotwo", "go build -n", "example.com/cgotwo/a", []string{
			"example.com/cgotwo/a: invalid flag in #cgo CFLAGS: -fplugin=a",
			"example.com/cgotwo/b: invalid flag in #cgo CPPFLAGS: -imacros"}},
		{"testonly", "go build -n", "example.com/testonly/x",
			[]string{"example.com/testonly/x: no non-test Go files in /tmp/gograph-fail-capture/src/testonly/x"}},
		{"testcgo", "go test -c -n", "example.com/testcgo/bad",
			[]string{"example.com/testcgo/bad: invalid flag in #cgo CFLAGS: -fplugin=x"}},
		{"empty", "go build -n", "", []string{`go: warning: "./..." matched no packages`}},
		{"goarch", "go build -n", "", []string{"go: unsupported GOOS/GOARCH pair linux/nosuch"}},
	}
	versions, err := filepath.Glob("testdata/fail/go1.*")
	require.NoError(t, err)
	require.NotEmpty(t, versions)
	for _, dir := range versions {
		roots := map[string]string{}
		data, err := os.ReadFile(filepath.Join(dir, "roots.txt"))
		require.NoError(t, err)
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			name, root, _ := strings.Cut(line, " ")
			roots[name] = root
		}
		for _, tt := range tests {
			t.Run(filepath.Base(dir)+"/"+tt.name, func(t *testing.T) {
				out, err := os.ReadFile(filepath.Join(dir, tt.name+".txt"))
				require.NoError(t, err)
				e := goBuildError(tt.cmd, out, errors.New("exit status 1"), roots[tt.name])
				assert.Equal(t, KindGoBuild, e.Kind)
				assert.Equal(t, tt.pkg, e.Package)
				msg, ok := strings.CutSuffix(e.Message, "; reported by "+tt.cmd)
				require.True(t, ok, e.Message)
				got := strings.Split(msg, "\n")
				require.Len(t, got, len(tt.lines), e.Message)
				for i, want := range tt.lines {
					assert.True(t, strings.HasPrefix(got[i], want), "line %d: %q does not start with %q", i, got[i], want)
				}
				for _, script := range []string{"$WORK", "mkdir", "compile", "importcfg"} {
					assert.NotContains(t, e.Message, script)
				}
			})
		}
	}
}

// TestScriptErrors checks lines that could pass for script lines.
func TestScriptErrors(t *testing.T) {
	tests := []struct {
		name, out string
		want      []string
	}{
		{"a position with an absolute path reads as a command but is not",
			"mkdir -p $WORK/b001/\n/src/m/x.go:3:2: undefined: y\n", []string{"/src/m/x.go:3:2: undefined: y"}},
		{"a lone heading is kept, a header triplet is not",
			"#\n# example.com/m\n#\n\n# example.com/m\ncgo: C compiler \"cc\" not found\n",
			[]string{"# example.com/m", `cgo: C compiler "cc" not found`}},
		{"a here-document's content is script",
			"cat >$WORK/b001/importcfg << 'EOF' # internal\nx: y\nEOF\ngo: error\n", []string{"go: error"}},
		{"commands and their directories are script",
			"cd /src/m\n/go/pkg/tool/linux_amd64/compile -o $WORK/b001/_pkg_.a -p m ./m.go\n", nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, scriptErrors(tt.out, "/src/m"), tt.name)
	}
}

func TestGoBuildErrorWithoutErrorLines(t *testing.T) {
	tests := []struct {
		name, out, want string
	}{
		{"no output: how go ended", "", "go build -n: signal: killed"},
		{"only script: none of it", "mkdir -p $WORK/b001/\ncd /src/m\n", "go build -n failed without an error message"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, goBuildError("go build -n", []byte(tt.out), errors.New("signal: killed"), "/src/m").Message, tt.name)
	}
}

// TestScriptErrorsNoneInCapturedScripts checks that no line of a script
// every supported release printed for a successful build (testdata/n) is
// taken for an error.
func TestScriptErrorsNoneInCapturedScripts(t *testing.T) {
	for _, v := range capturedVersions(t) {
		for _, c := range captures(t, v) {
			assert.Empty(t, scriptErrors(c.script, c.root), "%s/%s", v, c.name)
		}
	}
}
