package gobuild

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/graph"
)

// outputName is the name of a build cache output file holding content.
func outputName(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:]) + "-d"
}

func TestRestoreCache(t *testing.T) {
	intact := "00/" + outputName("compiled object")
	other := "ab/" + outputName("another object")
	tests := []struct {
		name      string
		noRecord  bool
		files     map[string]string // path in gocache -> content
		symlinks  map[string]string // path in gocache -> target
		kept      int
		dropped   int
		restored  []string // files in the restored cache (all others absent)
		errSubstr string
	}{
		{name: "empty cache", files: map[string]string{}, restored: nil},
		{name: "intact outputs and index entries",
			files: map[string]string{intact: "compiled object", other: "another object",
				"00/0011-a": "v1 index entry", "README": "cache dir"},
			kept: 4, restored: []string{intact, other, "00/0011-a", "README"}},
		{name: "damaged output left out",
			files: map[string]string{intact: "compiled object", "cd/" + outputName("original"): "damaged"},
			kept:  1, dropped: 1, restored: []string{intact}},
		{name: "output renamed left out",
			files: map[string]string{"ab/" + outputName("compiled object"): "another object"},
			kept:  0, dropped: 1, restored: nil},
		{name: "symlink left out",
			files:    map[string]string{intact: "compiled object"},
			symlinks: map[string]string{"ef/" + outputName("x"): "/etc/passwd"},
			kept:     1, dropped: 1, restored: []string{intact}},
		{name: "no record", noRecord: true, files: map[string]string{intact: "compiled object"},
			errSubstr: "record.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkpoint := t.TempDir()
			from := filepath.Join(checkpoint, checkpointDir, "gocache")
			require.NoError(t, os.MkdirAll(from, 0o755))
			if !tt.noRecord {
				require.NoError(t, os.WriteFile(filepath.Join(checkpoint, checkpointDir, "record.json"), []byte("{}"), 0o444))
			}
			for name, content := range tt.files {
				require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(from, name)), 0o755))
				// Checkpoints are store paths: read-only.
				require.NoError(t, os.WriteFile(filepath.Join(from, name), []byte(content), 0o444))
			}
			for name, target := range tt.symlinks {
				require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(from, name)), 0o755))
				require.NoError(t, os.Symlink(target, filepath.Join(from, name)))
			}

			cache := filepath.Join(t.TempDir(), "gocache")
			kept, dropped, err := restoreCache(checkpoint, cache)
			if tt.errSubstr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.errSubstr)
				assert.Contains(t, err.Error(), checkpoint, "the error names the checkpoint")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.kept, kept, "kept")
			assert.Equal(t, tt.dropped, dropped, "dropped")

			var restored []string
			require.NoError(t, filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(cache, p)
				restored = append(restored, filepath.ToSlash(rel))
				assert.True(t, d.Type().IsRegular(), "%s is a regular file", rel)
				info, err := d.Info()
				require.NoError(t, err)
				assert.NotZero(t, info.Mode().Perm()&0o200, "%s is writable", rel)
				data, err := os.ReadFile(p)
				require.NoError(t, err)
				assert.Equal(t, tt.files[rel], string(data), "%s is copied unchanged", rel)
				return nil
			}))
			assert.ElementsMatch(t, tt.restored, restored)
		})
	}
}

// logBuffer is Run's log: written from two goroutines (go's stdout is
// copied by os/exec), which a bytes.Buffer does not allow.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// compiledCount is the number of packages Run's log says go build compiled.
func compiledCount(t *testing.T, log string) int {
	m := regexp.MustCompile(`go build compiled (\d+) packages`).FindStringSubmatch(log)
	require.NotNil(t, m, "%s", log)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

// TestRunFromCheckpoint builds a program with the real toolchain, saving a
// checkpoint, damages one output of its cache, and builds again from it:
// the damaged output is left out and rebuilt, the rest is reused, and the
// binary is the same.
func TestRunFromCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the standard library")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/hello\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(src, "main.go"),
		[]byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o644))
	request := func(out, checkpoint string) *Request {
		return &Request{
			IFDRequest: graph.IFDRequest{Request: graph.Request{Src: src, System: "x86_64-linux",
				Go: graph.StoreInput{Path: strings.TrimSpace(string(goroot))}}},
			Out: out, Checkpoint: checkpoint, SaveCheckpoint: checkpoint == "",
		}
	}

	first := t.TempDir()
	log := &logBuffer{}
	require.NoError(t, Run(request(first, ""), log), "%s", log)
	assert.Contains(t, log.String(), "\nexample.com/hello\n", "go build -v lists the main package")
	assert.FileExists(t, filepath.Join(first, checkpointDir, "record.json"))
	compiledFirst := compiledCount(t, log.String())

	// Damage one output of the checkpoint's cache.
	var damaged string
	require.NoError(t, filepath.WalkDir(filepath.Join(first, checkpointDir, "gocache"),
		func(p string, d fs.DirEntry, err error) error {
			if err == nil && damaged == "" && strings.HasSuffix(p, "-d") {
				damaged = p
			}
			return err
		}))
	require.NotEmpty(t, damaged, "the checkpoint has cache outputs")
	require.NoError(t, os.WriteFile(damaged, []byte("damaged"), 0o644))

	second := t.TempDir()
	log = &logBuffer{}
	require.NoError(t, Run(request(second, first), log), "%s", log)
	assert.Regexp(t, `restored \d+ build cache entries from checkpoint .* \(1 damaged, left out\)`, log.String())
	assert.Less(t, compiledCount(t, log.String()), compiledFirst, "the checkpoint's cache is reused")
	assert.NoDirExists(t, filepath.Join(second, checkpointDir), "no checkpoint was asked for")

	a, err := os.ReadFile(filepath.Join(first, "bin", "hello"))
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(second, "bin", "hello"))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(a, b), "the binary built from the checkpoint is the same")

	// A directory that is no checkpoint is an error naming it.
	err = Run(request(t.TempDir(), src), log)
	require.Error(t, err)
	assert.Contains(t, err.Error(), src)
}
