package modfetch

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// testProxy is a file:// GOPROXY made in a temporary directory.
type testProxy struct {
	t    *testing.T
	dir  string
	sums map[module.Version]*Sum
}

func newTestProxy(t *testing.T) *testProxy {
	return &testProxy{t: t, dir: t.TempDir(), sums: map[module.Version]*Sum{}}
}

func (p *testProxy) url() string { return "file://" + p.dir }

func (p *testProxy) versionDir(mod module.Version) string {
	esc, err := module.EscapePath(mod.Path)
	require.NoError(p.t, err)
	d := filepath.Join(p.dir, esc, "@v")
	require.NoError(p.t, os.MkdirAll(d, 0o755))
	return d
}

// add publishes mod with files (name -> content) and records its sums.
func (p *testProxy) add(mod module.Version, files map[string]string) {
	src := p.t.TempDir()
	for name, content := range files {
		require.NoError(p.t, os.MkdirAll(filepath.Dir(filepath.Join(src, name)), 0o755))
		require.NoError(p.t, os.WriteFile(filepath.Join(src, name), []byte(content), 0o644))
	}
	var buf bytes.Buffer
	require.NoError(p.t, modzip.CreateFromDir(&buf, mod, src))
	p.publish(mod, buf.Bytes(), []byte(files["go.mod"]))
}

// publish puts a zip and go.mod on the proxy and records their real hashes.
func (p *testProxy) publish(mod module.Version, zipData, goMod []byte) {
	d := p.versionDir(mod)
	zipFile := filepath.Join(d, mod.Version+".zip")
	require.NoError(p.t, os.WriteFile(zipFile, zipData, 0o644))
	require.NoError(p.t, os.WriteFile(filepath.Join(d, mod.Version+".mod"), goMod, 0o644))
	zipSum, err := dirhash.HashZip(zipFile, dirhash.Hash1)
	require.NoError(p.t, err)
	modSum, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return os.Open(filepath.Join(d, mod.Version+".mod"))
	})
	require.NoError(p.t, err)
	p.sums[mod] = &Sum{Mod: mod, Zip: zipSum, GoMod: modSum}
}

func TestParseGoSum(t *testing.T) {
	sums, err := ParseGoSum("go.sum", []byte(`
github.com/a/b v1.0.0 h1:zip=
github.com/a/b v1.0.0/go.mod h1:mod=
golang.org/x/only v0.1.0/go.mod h1:onlymod=
`))
	require.NoError(t, err)
	assert.Equal(t, &Sum{Mod: module.Version{Path: "github.com/a/b", Version: "v1.0.0"}, Zip: "h1:zip=", GoMod: "h1:mod="},
		sums[module.Version{Path: "github.com/a/b", Version: "v1.0.0"}])
	assert.Equal(t, "", sums[module.Version{Path: "golang.org/x/only", Version: "v0.1.0"}].Zip)

	for _, bad := range []string{"a v1.0.0", "a v1.0.0 sha256:x", "-bad v1.0.0 h1:x", "example.com/a notaversion h1:x"} {
		_, err := ParseGoSum("go.sum", []byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestParseGOPROXY(t *testing.T) {
	tests := []struct {
		in   string
		want []proxyEntry
	}{
		{"", []proxyEntry{{url: "https://proxy.golang.org"}}},
		{"off", []proxyEntry{{url: "off"}}},
		{"https://a/,https://b|file:///c", []proxyEntry{{url: "https://a"}, {url: "https://b"}, {url: "file:///c", fallBackOnAnyError: true}}},
		{"https://a,direct", []proxyEntry{{url: "https://a"}}},
		{"direct,https://a", nil},
		{"off,https://a", []proxyEntry{{url: "off"}}},
		{"proxy.corp.example/go", []proxyEntry{{url: "https://proxy.corp.example/go"}}},
	}
	for _, tt := range tests {
		got, err := parseGOPROXY(tt.in)
		require.NoError(t, err, tt.in)
		// fallBackOnAnyError describes the separator after an entry.
		for i := range got {
			got[i].fallBackOnAnyError = tt.want[i].fallBackOnAnyError
		}
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestFetchVerifiesAgainstGoSum(t *testing.T) {
	p := newTestProxy(t)
	good := module.Version{Path: "example.com/good", Version: "v1.2.3"}
	p.add(good, map[string]string{"go.mod": "module example.com/good\n", "good.go": "package good\n", "sub/x.txt": "x"})
	f, err := NewFetcher(Config{GOPROXY: p.url()})
	require.NoError(t, err)

	dir := filepath.Join(t.TempDir(), "good")
	require.NoError(t, f.Zip(t.Context(), good, p.sums[good].Zip, dir))
	data, err := os.ReadFile(filepath.Join(dir, "sub", "x.txt"))
	require.NoError(t, err)
	assert.Equal(t, "x", string(data))
	require.NoError(t, CheckDir(good, dir, p.sums[good].Zip), "the extracted directory has go.sum's hash")
	goMod, err := f.GoMod(t.Context(), good, p.sums[good].GoMod)
	require.NoError(t, err)
	assert.Equal(t, "module example.com/good\n", string(goMod))
	assert.Equal(t, 2, f.Fetches)

	altered := "h1:" + strings.Repeat("A", 43) + "="
	var verr *VerifyError
	err = f.Zip(t.Context(), good, altered, filepath.Join(t.TempDir(), "x"))
	require.ErrorAs(t, err, &verr)
	assert.Contains(t, err.Error(), "example.com/good@v1.2.3: zip has hash")
	_, err = f.GoMod(t.Context(), good, altered)
	require.ErrorAs(t, err, &verr)
	assert.Error(t, CheckDir(good, dir, altered))

	missing := module.Version{Path: "example.com/good", Version: "v9.9.9"}
	err = f.Zip(t.Context(), missing, altered, filepath.Join(t.TempDir(), "y"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "fetching example.com/good@v9.9.9 zip")
	assert.Contains(t, err.Error(), "not found")
}

func TestFetchRejectsUnsafeZips(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"path traversal", []string{"example.com/bad@v1.0.0/go.mod", "example.com/bad@v1.0.0/../escape.go"}, "unsafe module zip"},
		{"case-insensitive clash", []string{"example.com/bad@v1.0.0/go.mod", "example.com/bad@v1.0.0/a.go", "example.com/bad@v1.0.0/A.go"}, "unsafe module zip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestProxy(t)
			mod := module.Version{Path: "example.com/bad", Version: "v1.0.0"}
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, name := range tt.files {
				w, err := zw.Create(name)
				require.NoError(t, err)
				w.Write([]byte("package bad\n"))
			}
			require.NoError(t, zw.Close())
			p.publish(mod, buf.Bytes(), []byte("module example.com/bad\n"))
			f, err := NewFetcher(Config{GOPROXY: p.url()})
			require.NoError(t, err)
			err = f.Zip(t.Context(), mod, p.sums[mod].Zip, filepath.Join(t.TempDir(), "bad"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "example.com/bad@v1.0.0")
		})
	}
}

func TestGOPROXYOffAndNoProxy(t *testing.T) {
	mod := module.Version{Path: "corp.example/private", Version: "v1.0.0"}
	f, err := NewFetcher(Config{GOPROXY: "off"})
	require.NoError(t, err)
	_, err = f.GoMod(t.Context(), mod, "h1:x")
	assert.ErrorContains(t, err, "GOPROXY=off")

	p := newTestProxy(t)
	p.add(mod, map[string]string{"go.mod": "module corp.example/private\n"})
	f, err = NewFetcher(Config{GOPROXY: p.url(), GOPRIVATE: "corp.example"})
	require.NoError(t, err)
	_, err = f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
	assert.ErrorContains(t, err, "corp.example/private@v1.0.0 is private: GOPRIVATE=corp.example matches it")
}

func TestWriteView(t *testing.T) {
	root, modDir := t.TempDir(), t.TempDir()
	mods := []ViewModule{
		{Mod: module.Version{Path: "github.com/Upper/m", Version: "v1.0.0"}, GoMod: []byte("module github.com/Upper/m\n"),
			ZipSum: "h1:zip=", Dir: modDir},
		{Mod: module.Version{Path: "example.com/onlymod", Version: "v0.1.0"}, GoMod: []byte("module example.com/onlymod\n")},
	}
	require.NoError(t, WriteView(root, mods))
	link, err := os.Readlink(filepath.Join(root, "github.com", "!upper", "m@v1.0.0"))
	require.NoError(t, err)
	assert.Equal(t, modDir, link)
	ziphash, err := os.ReadFile(filepath.Join(root, "cache/download/github.com/!upper/m/@v/v1.0.0.ziphash"))
	require.NoError(t, err)
	assert.Equal(t, "h1:zip=", string(ziphash))
	_, err = os.Stat(filepath.Join(root, "cache/download/example.com/onlymod/@v/v0.1.0.mod"))
	assert.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "cache/download/example.com/onlymod/@v/v0.1.0.ziphash"))
	assert.True(t, os.IsNotExist(err), "a go.mod-only module has no content")
}
