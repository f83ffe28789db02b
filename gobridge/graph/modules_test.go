package graph

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/internal/mkproxytest"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// TestPrepareModulesPolicy: Nix's policy reaches module fetching; a
// module neither in the store nor in the index is a forbidden error when
// Nix runs offline or the proxy is not in allowed-uris, and is fetched
// otherwise; once fetched (in the index), offline planning needs nothing
// but still notices an interruption.
func TestPrepareModulesPolicy(t *testing.T) {
	p := mkproxytest.New(t)
	src := t.TempDir()
	sums := p.Publish("corp.example/greet", "v1.0.0", "greet.go")
	require.NoError(t, os.WriteFile(filepath.Join(src, "go.sum"), []byte(sums), 0o644))
	// A module go.sum pins only the go.mod of: once in the index, it needs
	// nothing else (a module's content needs its store path, which only
	// the plugin adds).
	modOnly := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(modOnly, "go.sum"), []byte(strings.SplitAfter(sums, "\n")[1]), 0o644))
	useTestProxy(t, p)

	tests := []struct {
		name   string
		src    string
		policy Policy
		kind   plan.ErrorKind
		want   string
	}{
		{"offline", src, Policy{Offline: true}, plan.KindForbidden, "Nix runs offline (--offline)"},
		{"restrict-eval", src, Policy{RestrictEval: true, AllowedURIs: []string{"https://proxy.golang.org"}}, plan.KindForbidden,
			"access to the module proxy file://" + p.Dir + " is forbidden in restricted mode (restrict-eval): add it to the Nix setting allowed-uris"},
		{"restrict-eval, allowed", src, Policy{RestrictEval: true, AllowedURIs: []string{"file://" + p.Dir}}, "", ""},
		{"offline, go.mod in the index", modOnly, Policy{Offline: true}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := prepareModules(t.Context(), tt.src, nil, t.TempDir(), &tt.policy)
			if tt.kind == "" {
				require.NoError(t, err)
				return
			}
			var pe *plan.Error
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Equal(t, tt.kind, pe.Kind)
			assert.Equal(t, "corp.example/greet@v1.0.0", pe.Package)
			assert.Contains(t, pe.Message, tt.want)
		})
	}

	// Ctrl-C is noticed between modules even when nothing is downloaded
	// (modOnly's module is in the index now).
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := prepareModules(ctx, modOnly, nil, t.TempDir(), &Policy{Offline: true})
	var pe *plan.Error
	require.True(t, errors.As(err, &pe), "%v", err)
	assert.Equal(t, plan.KindInterrupted, pe.Kind)
	assert.Equal(t, "corp.example/greet@v1.0.0", pe.Package)
}

// useTestProxy makes p the only module proxy, with an empty module index
// and none of the user's go env settings.
func useTestProxy(t *testing.T, p *mkproxytest.Proxy) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // an empty module index
	t.Setenv("GOENV", "off")
	t.Setenv("GOPROXY", "file://"+p.Dir)
	for _, name := range []string{"GOPRIVATE", "GONOPROXY", "GOAUTH"} {
		t.Setenv(name, "")
	}
}
