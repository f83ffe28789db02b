package lock

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/internal/mkproxytest"
	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
)

// publish adds mod at version to the proxy p and returns its go.sum lines
// for the zip and for go.mod.
func publish(t *testing.T, p *mkproxytest.Proxy, mod, version string, files ...string) (zipLine, goModLine string) {
	lines := strings.Split(strings.TrimSpace(p.Publish(mod, version, files...)), "\n")
	require.Len(t, lines, 2)
	return lines[0], lines[1]
}

// moduleDir writes the directory mkproxy's zip of mod extracts to.
func moduleDir(t *testing.T, mod string, files ...string) string {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goModOf(mod)), 0o644))
	for _, f := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte("package "+path.Base(mod)+"\n"), 0o644))
	}
	return dir
}

// goModOf is the go.mod mkproxy writes for mod.
func goModOf(mod string) string { return "module " + mod + "\n\ngo 1.22\n" }

// nixHash is what `nix-hash --type sha256 dir` prints, if Nix is installed,
// so the lock's hashes are checked against Nix itself; otherwise NarHash,
// which TestNarHashMatchesNixHash pins to it.
func nixHash(t *testing.T, dir string) string {
	if _, err := exec.LookPath("nix-hash"); err == nil {
		out, err := exec.Command("nix-hash", "--type", "sha256", dir).Output()
		require.NoError(t, err)
		return strings.TrimSpace(string(out))
	}
	h, err := NarHash(dir)
	require.NoError(t, err)
	return h
}

func sha256Of(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestMake(t *testing.T) {
	p := mkproxytest.New(t)
	aZip, aMod := publish(t, p, "example.com/a", "v1.0.0", "a.go")
	bZip, bMod := publish(t, p, "example.com/b", "v0.2.0", "b.go", "sub/c.go")
	// c is published but tampered with below.
	cZip, _ := publish(t, p, "example.com/c", "v1.0.0", "c.go")
	tamperedZip := strings.Replace(cZip, "h1:", "h1:AAAA", 1)
	missing := "example.com/missing v1.0.0/go.mod h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

	aEntry := &Entry{H1: strings.Fields(aZip)[2], GoModHash: sha256Of(goModOf("example.com/a")),
		NarHash: nixHash(t, moduleDir(t, "example.com/a", "a.go"))}
	bEntry := &Entry{H1: strings.Fields(bZip)[2], GoModHash: sha256Of(goModOf("example.com/b")),
		NarHash: nixHash(t, moduleDir(t, "example.com/b", "b.go", "sub/c.go"))}

	tests := []struct {
		name  string
		goSum *string // nil: no go.sum file
		want  map[string]*Entry
		err   string
	}{
		{name: "no go.sum", want: map[string]*Entry{}},
		{name: "empty go.sum", goSum: ptr(""), want: map[string]*Entry{}},
		{name: "content and go.mod", goSum: ptr(aZip + "\n" + aMod + "\n"),
			want: map[string]*Entry{"example.com/a@v1.0.0": aEntry}},
		{name: "two modules", goSum: ptr(aZip + "\n" + aMod + "\n" + bZip + "\n" + bMod + "\n"),
			want: map[string]*Entry{"example.com/a@v1.0.0": aEntry, "example.com/b@v0.2.0": bEntry}},
		{name: "go.mod only", goSum: ptr(bMod + "\n"),
			want: map[string]*Entry{"example.com/b@v0.2.0": {GoModHash: bEntry.GoModHash}}},
		{name: "content only", goSum: ptr(aZip + "\n"),
			want: map[string]*Entry{"example.com/a@v1.0.0": {H1: aEntry.H1, NarHash: aEntry.NarHash}}},
		{name: "content not matching go.sum", goSum: ptr(tamperedZip + "\n"), err: "example.com/c@v1.0.0"},
		{name: "module not on the proxy", goSum: ptr(missing + "\n"), err: "example.com/missing@v1.0.0"},
		{name: "malformed go.sum", goSum: ptr("example.com/a v1.0.0\n"), err: "go.sum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.goSum != nil {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), []byte(*tt.goSum), 0o644))
			}
			got, err := Make(t.Context(), dir, true, modfetch.Config{GOPROXY: "file://" + p.Dir})
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, &File{Version: 1, Modules: tt.want}, got)
		})
	}
}

func ptr(s string) *string { return &s }
