package modfetch

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIsAllowedURI follows Nix's own cases for isAllowedURI
// (src/libexpr-tests/eval.cc in Nix 2.34).
func TestIsAllowedURI(t *testing.T) {
	tests := []struct {
		uri     string
		allowed []string
		want    bool
	}{
		{"http://example.com/foo", []string{"http://example.com/foo"}, true},
		{"http://example.com/foo/bar", []string{"http://example.com/foo"}, true},
		{"http://example.com/foobar", []string{"http://example.com/foo"}, false},
		{"http://example.com/foobar", []string{"http://example.com/foo/"}, false},
		{"http://example.com/foo/bar", []string{"http://example.com/foo/"}, true},
		{"https://github.com", []string{"https://github.co"}, false},
		{"https://proxy.golang.org", []string{"https:"}, true},
		{"https://proxy.golang.org", []string{"http:"}, false},
		{"https://proxy.golang.org", []string{"HTTPS:"}, false},
		{"file:///srv/proxy", []string{"file:"}, true},
		{"https://proxy.golang.org", []string{""}, false},
		{"https://proxy.golang.org", nil, false},
		{"https://a.example", []string{"https://b.example", "https://a.example"}, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, IsAllowedURI(tt.uri, tt.allowed), "%s in %q", tt.uri, tt.allowed)
	}
}

// TestPolicy: offline and restrict-eval stop a download before any
// request, with a ForbiddenError naming the module and the setting.
func TestPolicy(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(s *logServer, file string) Config
		// want is "" for a download that works.
		want, setting string
	}{
		{"offline", func(s *logServer, _ string) Config { return Config{GOPROXY: s.URL, Offline: true} },
			"corp.example/greet@v1.0.0 is not in the Nix store or nix-gograph's module index, and Nix runs offline (--offline)", "offline"},
		{"offline with a file:// proxy", func(_ *logServer, file string) Config { return Config{GOPROXY: file, Offline: true} },
			"Nix runs offline (--offline)", "offline"},
		{"restrict-eval: proxy not allowed", func(s *logServer, _ string) Config {
			return Config{GOPROXY: strings.Replace(s.URL, "https://", "https://bob:pw-in-goproxy@", 1), RestrictEval: true,
				AllowedURIs: []string{"https://proxy.golang.org"}}
		}, "fetching corp.example/greet@v1.0.0: access to the module proxy https://bob:xxxxx@127.0.0.1:", "allowed-uris"},
		{"restrict-eval: second proxy not allowed", func(s *logServer, _ string) Config {
			return Config{GOPROXY: s.URL + ",https://other.example", RestrictEval: true, AllowedURIs: []string{s.URL}}
		}, "access to the module proxy https://other.example is forbidden in restricted mode (restrict-eval): add it to the Nix setting allowed-uris", "allowed-uris"},
		{"restrict-eval: file:// proxy needs allowed-uris too", func(_ *logServer, file string) Config {
			return Config{GOPROXY: file, RestrictEval: true}
		}, "access to the module proxy file://", "allowed-uris"},
		{"restrict-eval: proxy allowed", func(s *logServer, _ string) Config {
			return Config{GOPROXY: s.URL, RestrictEval: true, AllowedURIs: []string{"https://127.0.0.1"[:8] + strings.TrimPrefix(s.URL, "https://")}}
		}, "", ""},
		{"restrict-eval: scheme allowed", func(s *logServer, _ string) Config {
			return Config{GOPROXY: s.URL, RestrictEval: true, AllowedURIs: []string{"https:"}}
		}, "", ""},
		{"restrict-eval: file:// allowed", func(_ *logServer, file string) Config {
			return Config{GOPROXY: file, RestrictEval: true, AllowedURIs: []string{file}}
		}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, mod := oneModule(t)
			s := newLogServer(t, true, http.FileServer(http.Dir(p.dir)))
			f := newTestFetcher(t, tt.cfg(s, p.url()))
			_, err := f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
			var forbidden *ForbiddenError
			require.True(t, errors.As(err, &forbidden))
			assert.Equal(t, tt.setting, forbidden.Setting)
			assert.Equal(t, "corp.example/greet@v1.0.0", forbidden.Mod.String())
			assert.NotContains(t, err.Error(), "pw-in-goproxy")
			assert.Empty(t, s.requests(), "checked before any request")
		})
	}
}
