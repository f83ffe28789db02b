package modfetch

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const netrcPassword = "s3cret-netrc"

// TestCredentialsGoOnlyWhereTheyBelong checks, request by request, which
// requests carry an Authorization header.
func TestCredentialsGoOnlyWhereTheyBelong(t *testing.T) {
	alice := "Basic YWxpY2U6czNjcmV0LW5ldHJj" // alice:s3cret-netrc
	tests := []struct {
		name string
		// setup returns GOPROXY, the netrc file's content, GOAUTH, and the
		// servers whose requests are checked against want.
		setup   func(t *testing.T, files http.Handler) (goproxy, netrc, goauth string, servers []*logServer)
		want    [][]seen // per server, what it received
		wantErr string
	}{
		{
			name: "https proxy, netrc for its host:port: sent",
			setup: func(t *testing.T, files http.Handler) (string, string, string, []*logServer) {
				s := newLogServer(t, true, files)
				return s.URL, "machine " + s.host() + " login alice password " + netrcPassword, "", []*logServer{s}
			},
			want: [][]seen{{{Path: "/corp.example/greet/@v/v1.0.0.mod", Auth: alice}}},
		},
		{
			name: "http proxy, netrc for its host:port: not sent",
			setup: func(t *testing.T, files http.Handler) (string, string, string, []*logServer) {
				s := newLogServer(t, false, files)
				return s.URL, "machine " + s.host() + " login alice password " + netrcPassword, "", []*logServer{s}
			},
			want: [][]seen{{{Path: "/corp.example/greet/@v/v1.0.0.mod"}}},
		},
		{
			name: "netrc for the host without the proxy's port: not sent (cmd/go matches host:port)",
			setup: func(t *testing.T, files http.Handler) (string, string, string, []*logServer) {
				s := newLogServer(t, true, files)
				return s.URL, "machine 127.0.0.1 login alice password " + netrcPassword, "", []*logServer{s}
			},
			want: [][]seen{{{Path: "/corp.example/greet/@v/v1.0.0.mod"}}},
		},
		{
			name: "netrc for another host: not sent",
			setup: func(t *testing.T, files http.Handler) (string, string, string, []*logServer) {
				s, other := newLogServer(t, true, files), newLogServer(t, true, files)
				return s.URL, "machine " + other.host() + " login alice password " + netrcPassword, "", []*logServer{s, other}
			},
			want: [][]seen{{{Path: "/corp.example/greet/@v/v1.0.0.mod"}}, nil},
		},
		{
			name: "GOAUTH=off: nothing sent",
			setup: func(t *testing.T, files http.Handler) (string, string, string, []*logServer) {
				s := newLogServer(t, true, files)
				return s.URL, "machine " + s.host() + " login alice password " + netrcPassword, "off", []*logServer{s}
			},
			want: [][]seen{{{Path: "/corp.example/greet/@v/v1.0.0.mod"}}},
		},
		{
			name: "redirect to another host: credentials dropped",
			setup: func(t *testing.T, files http.Handler) (string, string, string, []*logServer) {
				target := newLogServer(t, true, files)
				s := newLogServer(t, true, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, target.URL+r.URL.Path, http.StatusFound)
				}))
				return s.URL, "machine " + s.host() + " login alice password " + netrcPassword, "", []*logServer{s, target}
			},
			want: [][]seen{{{Path: "/corp.example/greet/@v/v1.0.0.mod", Auth: alice}}, {{Path: "/corp.example/greet/@v/v1.0.0.mod"}}},
		},
		{
			name: "redirect within the host: credentials kept",
			setup: func(t *testing.T, files http.Handler) (string, string, string, []*logServer) {
				var s *logServer
				s = newLogServer(t, true, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if p, ok := strings.CutPrefix(r.URL.Path, "/old"); ok {
						http.Redirect(w, r, s.URL+p, http.StatusFound)
						return
					}
					files.ServeHTTP(w, r)
				}))
				return s.URL + "/old", "machine " + s.host() + " login alice password " + netrcPassword, "", []*logServer{s}
			},
			want: [][]seen{{{Path: "/old/corp.example/greet/@v/v1.0.0.mod", Auth: alice}, {Path: "/corp.example/greet/@v/v1.0.0.mod", Auth: alice}}},
		},
		{
			name: "redirect from https to http: refused, nothing reaches the http server",
			setup: func(t *testing.T, files http.Handler) (string, string, string, []*logServer) {
				target := newLogServer(t, false, files)
				s := newLogServer(t, true, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, target.URL+r.URL.Path, http.StatusFound)
				}))
				return s.URL, "machine " + s.host() + " login alice password " + netrcPassword, "", []*logServer{s, target}
			},
			want:    [][]seen{{{Path: "/corp.example/greet/@v/v1.0.0.mod", Auth: alice}}, nil},
			wantErr: "redirected from secure URL https://127.0.0.1:",
		},
		{
			name: "user:password in an https GOPROXY: sent",
			setup: func(t *testing.T, files http.Handler) (string, string, string, []*logServer) {
				s := newLogServer(t, true, files)
				return strings.Replace(s.URL, "https://", "https://alice:"+netrcPassword+"@", 1), "", "", []*logServer{s}
			},
			want: [][]seen{{{Path: "/corp.example/greet/@v/v1.0.0.mod", Auth: alice}}},
		},
		{
			name: "user:password in an http GOPROXY: refused, nothing sent",
			setup: func(t *testing.T, files http.Handler) (string, string, string, []*logServer) {
				s := newLogServer(t, false, files)
				return strings.Replace(s.URL, "http://", "http://alice:"+netrcPassword+"@", 1), "", "", []*logServer{s}
			},
			want:    [][]seen{nil},
			wantErr: "refusing to pass credentials to insecure URL: http://alice:xxxxx@127.0.0.1:",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, mod := oneModule(t)
			goproxy, netrc, goauth, servers := tt.setup(t, http.FileServer(http.Dir(p.dir)))
			f := newTestFetcher(t, Config{GOPROXY: goproxy, Netrc: writeNetrc(t, netrc), GOAUTH: goauth})
			_, err := f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
			if tt.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, tt.wantErr)
				assert.ErrorContains(t, err, "corp.example/greet@v1.0.0")
				assert.NotContains(t, err.Error(), netrcPassword)
			}
			for i, s := range servers {
				assert.Equal(t, tt.want[i], s.requests(), "server %d", i)
			}
		})
	}
}

// TestGOAUTHCommand runs a real GOAUTH command: its headers go to the URLs
// it names, and a 401 reruns it with the URL and the response on stdin.
func TestGOAUTHCommand(t *testing.T) {
	p, mod := oneModule(t)
	files := http.FileServer(http.Dir(p.dir))
	s := newLogServer(t, true, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer second-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		files.ServeHTTP(w, r)
	}))
	other := newLogServer(t, true, files)
	dir := t.TempDir()
	// The first run (no argument) gives a token the server refuses; the
	// second (with the URL, after the 401) a good one, and records stdin.
	script := `#!/bin/sh
if [ $# -eq 0 ]; then token=first-token; else token=second-token; cat > "` + dir + `/stdin"; echo "$1" > "` + dir + `/url"; fi
printf '%s\n\nAuthorization: Bearer %s\n\n' "` + s.URL + `" "$token"
`
	cmd := filepath.Join(dir, "auth helper")
	require.NoError(t, os.WriteFile(cmd, []byte(script), 0o755))

	f := newTestFetcher(t, Config{GOPROXY: s.URL + "|" + other.URL, GOAUTH: "'" + cmd + "'"})
	_, err := f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
	require.NoError(t, err)
	path := "/corp.example/greet/@v/v1.0.0.mod"
	assert.Equal(t, []seen{{Path: path, Auth: "Bearer first-token"}, {Path: path, Auth: "Bearer second-token"}}, s.requests())
	assert.Empty(t, other.requests())
	stdin, err := os.ReadFile(filepath.Join(dir, "stdin"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(stdin), "HTTP/1.1 401 Unauthorized\n"), "%q", stdin)
	url, err := os.ReadFile(filepath.Join(dir, "url"))
	require.NoError(t, err)
	assert.Equal(t, s.URL+path+"\n", string(url))

	// Its headers go to no other host.
	f = newTestFetcher(t, Config{GOPROXY: other.URL, GOAUTH: "'" + cmd + "'"})
	_, err = f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
	require.NoError(t, err)
	assert.Equal(t, []seen{{Path: path}}, other.requests())
}

func TestGOAUTHErrors(t *testing.T) {
	tests := []struct {
		goauth, want string
	}{
		{"git /src", "GOAUTH=git /src: the git method is not supported by nix-gograph"},
		{"netrc; git /src", "the git method is not supported"},
		{"off; netrc", "GOAUTH=off cannot be combined with other authentication commands (GOAUTH=off; netrc)"},
		{"netrc;", "GOAUTH=netrc; has an empty command"},
		{"/nonexistent/helper", "401 Unauthorized (no credentials were sent: GOAUTH=/nonexistent/helper: "},
		{"'unterminated", "cannot parse GOAUTH command"},
	}
	for _, tt := range tests {
		t.Run(tt.goauth, func(t *testing.T) {
			p, mod := oneModule(t)
			s := newLogServer(t, true, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusUnauthorized)
			}))
			f := newTestFetcher(t, Config{GOPROXY: s.URL, GOAUTH: tt.goauth})
			_, err := f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
			assert.ErrorContains(t, err, tt.want)
			assert.ErrorContains(t, err, "corp.example/greet@v1.0.0")
		})
	}
}

// TestGOAUTHCommandFailure: a failing GOAUTH command is named with its
// exit status; its standard error, which may hold a token, is not quoted.
func TestGOAUTHCommandFailure(t *testing.T) {
	const token = "ghp_SECRET-9d2e"
	cmd := filepath.Join(t.TempDir(), "helper")
	require.NoError(t, os.WriteFile(cmd, []byte("#!/bin/sh\necho \"refusing token "+token+"\" >&2\nexit 3\n"), 0o755))
	p, mod := oneModule(t)
	s := newLogServer(t, true, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	}))
	f := newTestFetcher(t, Config{GOPROXY: s.URL, GOAUTH: cmd})
	_, err := f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "401 Unauthorized (no credentials were sent: GOAUTH="+cmd+": exit status 3 "+
		"(its standard error is not shown: it may hold a credential)")
	assert.NotContains(t, err.Error(), token)
	assert.NotContains(t, err.Error(), "refusing")
}

func TestParseUserAuth(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]http.Header
		wantErr string
	}{
		{"", map[string]http.Header{}, ""},
		{"https://a.example/x\nhttps://b.example\n\nAuthorization: Bearer t\nX-Other: v\n\n",
			map[string]http.Header{
				"a.example/x": {"Authorization": {"Bearer t"}, "X-Other": {"v"}},
				"b.example":   {"Authorization": {"Bearer t"}, "X-Other": {"v"}}}, ""},
		{"https://a.example\n\nAuthorization: Bearer secret-value", nil, "missing empty line after headers"},
		{"https://a.example\n\nbad header secret-value\n\n", nil, "invalid header line"},
		{"not a url\n\n", nil, "a URL line is not a URL"},
	}
	for _, tt := range tests {
		got, err := parseUserAuth(tt.in)
		if tt.wantErr != "" {
			require.ErrorContains(t, err, tt.wantErr, tt.in)
			assert.NotContains(t, err.Error(), "secret-value", "a header line is never quoted")
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestParseNetrc(t *testing.T) {
	got := parseNetrc("machine proxy.corp login alice password s3cret\nmachine other login bob password pw\n" +
		"machine proxy.corp login later password ignored-by-lookup\nmacdef init\nmachine inmacro login x password y\n\n" +
		"machine partial login only\ndefault\nmachine after login z password z")
	assert.Equal(t, []netrcLine{{"proxy.corp", "alice", "s3cret"}, {"other", "bob", "pw"},
		{"proxy.corp", "later", "ignored-by-lookup"}}, got)

	a := newAuth("", writeNetrc(t, "machine proxy.corp login alice password s3cret\nmachine proxy.corp login later password no"))
	h, err := a.headers(t.Context(), mustURL(t, "https://proxy.corp/a/b"), nil)
	require.NoError(t, err)
	assert.Equal(t, "Basic YWxpY2U6czNjcmV0", h.Get("Authorization"), "the first entry for a machine wins")
	for _, u := range []string{"https://proxy.corp:8443/a", "https://proxy.corp.evil/a", "https://evil/proxy.corp"} {
		h, err := a.headers(t.Context(), mustURL(t, u), nil)
		require.NoError(t, err)
		assert.Nil(t, h, u)
	}
}

// TestGOINSECUREKeepsTLSVerified: GOINSECURE concerns direct fetches only;
// a proxy with an untrusted certificate is refused even for a module it
// matches, and no credentials reach it.
func TestGOINSECUREKeepsTLSVerified(t *testing.T) {
	p, mod := oneModule(t)
	s := newLogServer(t, true, http.FileServer(http.Dir(p.dir)))
	f, err := NewFetcher(Config{GOPROXY: s.URL, GOINSECURE: "corp.example",
		Netrc: writeNetrc(t, "machine "+s.host()+" login alice password "+netrcPassword)})
	require.NoError(t, err)
	_, err = f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
	assert.ErrorContains(t, err, "certificate")
	assert.ErrorContains(t, err, "corp.example/greet@v1.0.0")
	assert.Empty(t, s.requests())
}
