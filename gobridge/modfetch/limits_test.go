package modfetch

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	modzip "golang.org/x/mod/zip"
)

// TestDownloadLimits: a download above its limit, a stalled proxy and an
// interrupted planning are errors naming the module and the proxy.
func TestDownloadLimits(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		tune    func(f *Fetcher)
		zip     bool
		ctx     func(context.Context) context.Context
		want    []string
		is      error
	}{
		{
			name: "a zip whose Content-Length is above x/mod/zip's MaxZipFile",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(modzip.MaxZipFile+1))
				w.WriteHeader(http.StatusOK)
			},
			zip:  true,
			want: []string{"fetching corp.example/greet@v1.0.0 zip: https://127.0.0.1:", "larger than the limit of 500 MiB"},
		},
		{
			name: "a streamed zip that goes past the limit",
			handler: func(w http.ResponseWriter, r *http.Request) {
				for range 4 {
					w.Write(make([]byte, 1024))
					w.(http.Flusher).Flush()
				}
			},
			tune: func(f *Fetcher) { f.zipLimit = 3000 },
			zip:  true,
			want: []string{"fetching corp.example/greet@v1.0.0 zip: https://127.0.0.1:", "larger than the limit"},
		},
		{
			name: "a go.mod above cmd/go's limit",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(maxGoMod+1))
				w.WriteHeader(http.StatusOK)
			},
			want: []string{"fetching corp.example/greet@v1.0.0 go.mod: https://127.0.0.1:", "larger than the limit of 16 MiB"},
		},
		{
			name: "no response",
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			tune: func(f *Fetcher) { f.stall = 200 * time.Millisecond },
			want: []string{"fetching corp.example/greet@v1.0.0 go.mod: https://127.0.0.1:", "timed out: the proxy sent nothing for 200ms"},
		},
		{
			name: "a body that stops",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("module corp"))
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			tune: func(f *Fetcher) { f.stall = 200 * time.Millisecond },
			zip:  true,
			want: []string{"fetching corp.example/greet@v1.0.0 zip: https://127.0.0.1:", "timed out"},
		},
		{
			name: "planning interrupted",
			handler: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			},
			ctx: func(ctx context.Context) context.Context {
				ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
				_ = cancel
				return ctx
			},
			want: []string{"fetching corp.example/greet@v1.0.0 go.mod: https://127.0.0.1:", "interrupted"},
			is:   context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, mod := oneModule(t)
			s := newLogServer(t, true, tt.handler)
			f := newTestFetcher(t, Config{GOPROXY: s.URL})
			if tt.tune != nil {
				tt.tune(f)
			}
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			start := time.Now()
			var err error
			if tt.zip {
				err = f.Zip(ctx, mod, p.sums[mod].Zip, filepath.Join(t.TempDir(), "x"))
			} else {
				_, err = f.GoMod(ctx, mod, p.sums[mod].GoMod)
			}
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			if tt.is != nil {
				assert.True(t, errors.Is(err, tt.is), "%v", err)
			}
			assert.NotContains(t, err.Error(), "hash", "never reported as tampering")
			assert.Less(t, time.Since(start), 5*time.Second)
		})
	}
}

func TestFileProxyLimit(t *testing.T) {
	p, mod := oneModule(t)
	f, err := NewFetcher(Config{GOPROXY: p.url()})
	require.NoError(t, err)
	f.modLimit = 5
	_, err = f.GoMod(t.Context(), mod, p.sums[mod].GoMod)
	assert.ErrorContains(t, err, "fetching corp.example/greet@v1.0.0 go.mod: file://"+p.dir+"/corp.example/greet/@v/v1.0.0.mod: the file is larger than the limit of 5 bytes")
}
