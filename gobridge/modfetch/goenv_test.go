package modfetch

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigFromEnvReadsTheGoEnvFile(t *testing.T) {
	home := t.TempDir()
	envFile := filepath.Join(t.TempDir(), "env")
	require.NoError(t, os.WriteFile(envFile, []byte("# comment\nGOPRIVATE=corp.example\nGOPROXY=https://file.example\n"+
		"GOAUTH=off\ngoproxy=lower-case-is-ignored\nGONOSUMDB=first\nGONOSUMDB=second\nnoequals\n"), 0o644))
	defaultFile := filepath.Join(home, "config", "go", "env")
	require.NoError(t, os.MkdirAll(filepath.Dir(defaultFile), 0o755))
	require.NoError(t, os.WriteFile(defaultFile, []byte("GOPRIVATE=default.example\n"), 0o644))

	tests := []struct {
		name string
		env  map[string]string
		want Config
	}{
		{"GOENV names the file; the environment wins where set",
			map[string]string{"GOENV": envFile, "GOPROXY": "https://env.example", "GOPRIVATE": ""},
			Config{GOPROXY: "https://env.example", GOPRIVATE: "corp.example", GONOSUMDB: "second", GOAUTH: "off",
				EnvFile: envFile, fromFile: map[string]bool{"GOPRIVATE": true, "GONOSUMDB": true, "GOAUTH": true}}},
		{"the default file is os.UserConfigDir()/go/env",
			map[string]string{"GOENV": ""},
			Config{GOPRIVATE: "default.example", EnvFile: defaultFile, fromFile: map[string]bool{"GOPRIVATE": true}}},
		{"GOENV=off",
			map[string]string{"GOENV": "off", "GOINSECURE": "x.example"},
			Config{GOINSECURE: "x.example", fromFile: map[string]bool{}}},
		{"a missing file is no configuration",
			map[string]string{"GOENV": filepath.Join(home, "missing")},
			Config{EnvFile: filepath.Join(home, "missing"), fromFile: map[string]bool{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
			t.Setenv("NETRC", "/some/netrc")
			for _, name := range goEnvVars {
				t.Setenv(name, "")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			tt.want.Netrc = "/some/netrc"
			assert.Equal(t, tt.want, ConfigFromEnv())
		})
	}
}

// TestGoEnvFileGOPRIVATE: `go env -w GOPRIVATE=corp.example` keeps the
// module off the proxy, and the error names the module, the variable and
// the file.
func TestGoEnvFileGOPRIVATE(t *testing.T) {
	p, mod := oneModule(t)
	s := newLogServer(t, true, http.FileServer(http.Dir(p.dir)))
	envFile := filepath.Join(t.TempDir(), "env")
	require.NoError(t, os.WriteFile(envFile, []byte("GOPRIVATE=corp.example\n"), 0o644))
	t.Setenv("GOENV", envFile)
	for _, name := range goEnvVars {
		t.Setenv(name, "")
	}
	t.Setenv("GOPROXY", s.URL)
	f := newTestFetcher(t, ConfigFromEnv())
	_, err := f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "corp.example/greet@v1.0.0 is private: GOPRIVATE=corp.example (set in "+envFile+" by go env -w) matches it")
	assert.Empty(t, s.requests(), "a private module is never requested from a proxy")

	t.Setenv("GONOPROXY", "none.example")
	f = newTestFetcher(t, ConfigFromEnv())
	_, err = f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
	assert.NoError(t, err, "GONOPROXY overrides GOPRIVATE")
}
