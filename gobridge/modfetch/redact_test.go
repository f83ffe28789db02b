package modfetch

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const goproxyPassword = "pw-in-goproxy"

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://alice:" + goproxyPassword + "@proxy.corp/go", "https://alice:xxxxx@proxy.corp/go"},
		{"https://" + goproxyPassword + "@proxy.corp", "https://xxxxx@proxy.corp"},
		{"https://proxy.corp/go", "https://proxy.corp/go"},
		{"https://alice:" + goproxyPassword + "@pro xy/go", "https://xxxxx@pro xy/go"},
		{"https://a:" + goproxyPassword + "@b@%zz/x@y", "https://xxxxx@%zz/x@y"},
		{"alice:" + goproxyPassword + "@host", "xxxxx@host"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, redactURL(tt.in), tt.in)
	}
	assert.Equal(t, "https://a:xxxxx@p|file:///x,https://xxxxx@q,direct",
		redactGOPROXY("https://a:"+goproxyPassword+"@p|file:///x,https://"+goproxyPassword+"@q,direct"))
}

// TestNoErrorQuotesAGOPROXYPassword: every failure with a GOPROXY holding
// user:password@ (or a token@) is an error without the secret.
func TestNoErrorQuotesAGOPROXYPassword(t *testing.T) {
	p, mod := oneModule(t)
	closed := newLogServer(t, true, http.NotFoundHandler())
	closed.Close()
	slow := newLogServer(t, true, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	notFound := newLogServer(t, true, http.NotFoundHandler())
	denied := newLogServer(t, true, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	}))
	plain := newLogServer(t, false, http.NotFoundHandler())
	toHTTP := newLogServer(t, true, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(plain.URL, "http://", "http://bob:"+goproxyPassword+"@", 1)+r.URL.Path, http.StatusFound)
	}))
	withUser := func(u string) string {
		return strings.Replace(strings.Replace(u, "https://", "https://alice:"+goproxyPassword+"@", 1), "http://", "http://alice:"+goproxyPassword+"@", 1)
	}
	withToken := func(u string) string { return strings.Replace(u, "https://", "https://"+goproxyPassword+"@", 1) }
	tests := []struct {
		name, goproxy string
		cfg           Config
		want          string
	}{
		{"connection refused", withUser(closed.URL), Config{}, "connection refused"},
		{"connection refused, token", withToken(closed.URL), Config{}, "connection refused"},
		{"timeout", withUser(slow.URL), Config{}, "timed out"},
		{"not found", withUser(notFound.URL), Config{}, "404 Not Found"},
		{"unauthorized", withUser(denied.URL), Config{}, "401 Unauthorized"},
		{"plain http", withUser(plain.URL), Config{}, "refusing to pass credentials to insecure URL"},
		{"redirect to http", withUser(toHTTP.URL), Config{}, "to insecure URL http://bob:xxxxx@127.0.0.1"},
		{"allowed-uris", withUser(notFound.URL), Config{RestrictEval: true}, "allowed-uris"},
		{"private", withUser(notFound.URL), Config{GOPRIVATE: "corp.example"}, "is private"},
		{"fallback list", withUser(notFound.URL) + "," + withToken(closed.URL), Config{}, "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.GOPROXY = tt.goproxy
			f := newTestFetcher(t, cfg)
			f.stall = 200 * time.Millisecond
			err := f.Zip(t.Context(), mod, p.sums[mod].Zip, filepath.Join(t.TempDir(), "x"))
			require.ErrorContains(t, err, tt.want)
			assert.ErrorContains(t, err, "corp.example/greet@v1.0.0")
			assert.NotContains(t, err.Error(), goproxyPassword)
		})
	}

	for _, goproxy := range []string{"https://alice:" + goproxyPassword + "@pro xy", "ftp://alice:" + goproxyPassword + "@proxy",
		"file://alice:" + goproxyPassword + "@host/x"} {
		_, err := NewFetcher(Config{GOPROXY: goproxy})
		require.Error(t, err, goproxy)
		assert.NotContains(t, err.Error(), goproxyPassword)
	}
}
