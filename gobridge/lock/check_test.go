package lock

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/dirhash"
)

// testdata/deps is tests/fixtures/deps' go.sum and gograph.lock;
// testdata/gofumpt is mvdan.cc/gofumpt@v0.12.0's go.sum and the lock
// `gograph lock` wrote for it (content and go.mod-only modules, two
// versions of one module path).

// replaceSum replaces old with new in go.sum, which must contain old.
func replaceSum(old, new string) func(t *testing.T, goSum string) string {
	return func(t *testing.T, goSum string) string {
		require.Contains(t, goSum, old)
		return strings.ReplaceAll(goSum, old, new)
	}
}

// dropSumLines drops go.sum's lines matching the regular expression re.
func dropSumLines(re string) func(t *testing.T, goSum string) string {
	return func(t *testing.T, goSum string) string {
		out := regexp.MustCompile("(?m)^"+re+".*\n").ReplaceAllString(goSum, "")
		require.NotEqual(t, goSum, out, "no line matches %s", re)
		return out
	}
}

func TestCheckDir(t *testing.T) {
	const (
		uuidH1    = "h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0="
		uuidModH1 = "h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo="
		otherH1   = "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	)
	tests := []struct {
		name     string
		base     string // testdata directory
		editSum  func(t *testing.T, goSum string) string
		editLock func(f *File)
		noLock   bool
		noGoMod  bool
		rawLock  string // the lock file's content instead
		want     []string
		err      string
	}{
		{name: "ok", base: "deps"},
		{name: "ok, go.mod-only modules", base: "gofumpt"},
		{name: "ok, no go.sum and no lock", base: "deps", editSum: dropSumLines(""), noLock: true},
		{name: "no lock", base: "deps", noLock: true,
			want: []string{"github.com/google/uuid@v1.6.0 is missing (go.sum has it)"}},
		{name: "missing entry", base: "gofumpt",
			editLock: func(f *File) { delete(f.Modules, "golang.org/x/sys@v0.47.0") },
			want:     []string{"golang.org/x/sys@v0.47.0 is missing (go.sum has it)"}},
		{name: "missing go.mod-only entries of one path", base: "gofumpt",
			editLock: func(f *File) {
				delete(f.Modules, "github.com/rogpeppe/go-internal@v1.9.0")
				delete(f.Modules, "github.com/rogpeppe/go-internal@v1.16.0")
			},
			want: []string{
				"github.com/rogpeppe/go-internal@v1.16.0 is missing (go.sum has it)",
				"github.com/rogpeppe/go-internal@v1.9.0 is missing (go.sum has it)",
			}},
		{name: "stale content hash", base: "deps", editSum: replaceSum(uuidH1, otherH1),
			want: []string{"github.com/google/uuid@v1.6.0 is stale: go.sum's hash " + otherH1 + " is not the lock's " + uuidH1}},
		{name: "stale go.mod hash", base: "deps", editSum: replaceSum(uuidModH1, otherH1),
			want: []string{"github.com/google/uuid@v1.6.0 is stale: go.sum's go.mod hash " + otherH1 +
				" is not the lock's " + uuidModH1 + " (goModHash 73da47b6338b00a082fd451aa35a3273d3adc09b8e9bba98dab01091e402af6e)"}},
		{name: "stale, content no longer in go.sum", base: "gofumpt", editSum: dropSumLines("github.com/kr/text v0.2.0 h1:"),
			want: []string{"github.com/kr/text@v0.2.0 is stale: go.sum has only its go.mod, the lock has its content"}},
		{name: "stale, content new in go.sum", base: "gofumpt",
			editSum: replaceSum("github.com/creack/pty v1.1.9/go.mod", "github.com/creack/pty v1.1.9 "+otherH1+"\ngithub.com/creack/pty v1.1.9/go.mod"),
			want:    []string{"github.com/creack/pty@v1.1.9 is stale: go.sum's hash " + otherH1 + " is not the lock's (none)"}},
		{name: "stale, no narHash", base: "deps",
			editLock: func(f *File) { f.Modules["github.com/google/uuid@v1.6.0"].NarHash = "" },
			want:     []string{"github.com/google/uuid@v1.6.0 is stale: its narHash (none) is not a sha256 in hex"}},
		{name: "stale, no goModHash", base: "gofumpt",
			editLock: func(f *File) { f.Modules["github.com/creack/pty@v1.1.9"].GoModHash = "" },
			want:     []string{"github.com/creack/pty@v1.1.9 is stale: its goModHash (none) is not a sha256 in hex"}},
		{name: "stale version", base: "deps", editSum: replaceSum("v1.6.0", "v1.6.1"),
			want: []string{"github.com/google/uuid@v1.6.1 is stale: the lock has github.com/google/uuid@v1.6.0 instead"}},
		{name: "extra entry", base: "gofumpt", editSum: dropSumLines("golang.org/x/tools "),
			want: []string{"golang.org/x/tools@v0.49.0 is extra (go.sum does not have it)"}},
		{name: "extra entry without a version", base: "deps",
			editLock: func(f *File) { f.Modules["example.com/odd"] = &Entry{} },
			want:     []string{"example.com/odd is extra (go.sum does not have it)"}},
		{name: "extra, no go.sum", base: "deps", editSum: dropSumLines(""),
			want: []string{"github.com/google/uuid@v1.6.0 is extra (go.sum does not have it)"}},
		{name: "each problem named once, sorted", base: "gofumpt",
			editSum: func(t *testing.T, goSum string) string {
				goSum = dropSumLines("golang.org/x/mod ")(t, goSum)
				return replaceSum("v0.3.1 h1:flRD4NNwYAUpkphVc1HcthR4KEIFJ65n8Mw5qdRn3LE=", "v0.3.1 "+otherH1)(t, goSum)
			},
			editLock: func(f *File) { delete(f.Modules, "golang.org/x/sync@v0.22.0") },
			want: []string{
				"github.com/kr/pretty@v0.3.1 is stale: go.sum's hash " + otherH1 + " is not the lock's h1:flRD4NNwYAUpkphVc1HcthR4KEIFJ65n8Mw5qdRn3LE=",
				"golang.org/x/mod@v0.40.0 is extra (go.sum does not have it)",
				"golang.org/x/sync@v0.22.0 is missing (go.sum has it)",
			}},
		{name: "lock of another version", base: "deps", rawLock: `{"version": 2, "modules": {}}`, err: "gograph.lock: version 2, not 1"},
		{name: "lock not JSON", base: "deps", rawLock: `{"version": 1,`, err: "gograph.lock: unexpected end of JSON input"},
		{name: "null entry", base: "deps", rawLock: `{"version": 1, "modules": {"a@v1.0.0": null}}`, err: "module a@v1.0.0: null entry"},
		{name: "not a module root", base: "deps", noGoMod: true, err: "is not a module or workspace root: it has no go.mod or go.work"},
		{name: "malformed go.sum", base: "deps", editSum: replaceSum(" "+uuidH1, ""), err: "go.sum:1: malformed line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if !tt.noGoMod {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n"), 0o644))
			}
			goSum := readFile(t, filepath.Join("testdata", tt.base, "go.sum"))
			if tt.editSum != nil {
				goSum = tt.editSum(t, goSum)
			}
			if goSum != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), []byte(goSum), 0o644))
			}
			lockFile := filepath.Join(dir, FileName)
			switch {
			case tt.rawLock != "":
				require.NoError(t, os.WriteFile(lockFile, []byte(tt.rawLock), 0o644))
			case !tt.noLock:
				f, err := Read(filepath.Join("testdata", tt.base, FileName))
				require.NoError(t, err)
				if tt.editLock != nil {
					tt.editLock(f)
				}
				data, err := json.Marshal(f)
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(lockFile, data, 0o644))
			}

			problems, err := CheckDir(dir, true)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			var got []string
			for _, p := range problems {
				got = append(got, p.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// goModH1 agrees with dirhash on real go.mod files.
func TestGoModH1(t *testing.T) {
	for _, goMod := range []string{"", "module example.com/a\n\ngo 1.22\n", readFile(t, "../../go.mod")} {
		want, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(goMod)), nil
		})
		require.NoError(t, err)
		assert.Equal(t, want, goModH1(sha256Of(goMod)))
	}
}

func readFile(t *testing.T, name string) string {
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(data)
}
