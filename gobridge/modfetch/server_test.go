package modfetch

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"
)

// seen is one request a test server received.
type seen struct {
	Path string
	Auth string // the Authorization header, "" when absent
}

// logServer is an httptest server (http or https) that records every
// request and serves a handler, by default the files of a testProxy.
type logServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newLogServer(t *testing.T, tls bool, h http.Handler) *logServer {
	s := &logServer{}
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, seen{Path: r.URL.Path, Auth: r.Header.Get("Authorization")})
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
	if tls {
		s.Server = httptest.NewTLSServer(wrapped)
	} else {
		s.Server = httptest.NewServer(wrapped)
	}
	t.Cleanup(s.Close)
	return s
}

// requests returns what the server received so far.
func (s *logServer) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

// host is the server's host:port, as a netrc machine names it.
func (s *logServer) host() string {
	u, _ := url.Parse(s.URL)
	return u.Host
}

// trustTestCerts makes f trust httptest's TLS certificate (all httptest
// TLS servers share it).
func trustTestCerts(t *testing.T, f *Fetcher) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	f.transport.TLSClientConfig = &tls.Config{RootCAs: pool}
}

// newTestFetcher is NewFetcher(cfg) trusting httptest's certificate.
func newTestFetcher(t *testing.T, cfg Config) *Fetcher {
	f, err := NewFetcher(cfg)
	require.NoError(t, err)
	trustTestCerts(t, f)
	return f
}

// writeNetrc writes a netrc file and returns its name.
func writeNetrc(t *testing.T, content string) string {
	file := filepath.Join(t.TempDir(), "netrc")
	require.NoError(t, os.WriteFile(file, []byte(content), 0o600))
	return file
}

// oneModule is a test proxy with one module, and the module.
func oneModule(t *testing.T) (*testProxy, module.Version) {
	p := newTestProxy(t)
	mod := module.Version{Path: "corp.example/greet", Version: "v1.0.0"}
	p.add(mod, map[string]string{"go.mod": "module corp.example/greet\n", "greet.go": "package greet\n"})
	return p, mod
}

func mustURL(t *testing.T, raw string) *url.URL {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u
}
