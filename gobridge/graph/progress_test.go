package graph

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/internal/mkproxytest"
)

// recorder is a Progress remembering every start and stop, in order.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) Start(level Level, text string) func() {
	r.add(level, "start "+text)
	return func() { r.add(level, "stop "+text) }
}

func (r *recorder) add(level Level, event string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, strings.Replace(event, " ", map[Level]string{LevelInfo: " info ", LevelTalkative: " talkative "}[level], 1))
}

// TestPrepareModulesProgress: every module that needs a download is
// reported as it is fetched, at Nix's info level, numbered among the
// downloads of this evaluation, in go.sum order, and its step ended before
// the next begins; a module the index holds is not reported.
func TestPrepareModulesProgress(t *testing.T) {
	p := mkproxytest.New(t)
	greet := p.Publish("progress.example/greet", "v1.0.0", "greet.go")
	hello := p.Publish("progress.example/hello", "v1.2.0", "hello.go")
	// A module go.sum pins only the go.mod of: once in the index, it
	// needs no download (one with content does until the plugin has put
	// it in the store, which no unit test does: the modules are named
	// for this test alone, so no integration test stores them).
	modOnly := strings.SplitAfter(hello, "\n")[1]
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "go.sum"), []byte(greet+modOnly), 0o644))
	useTestProxy(t, p)

	tests := []struct {
		name    string
		want    []string
		fetched []string
	}{
		{"empty index", []string{
			"start info fetching progress.example/greet@v1.0.0 (1/2)",
			"stop info fetching progress.example/greet@v1.0.0 (1/2)",
			"start info fetching progress.example/hello@v1.2.0 (2/2)",
			"stop info fetching progress.example/hello@v1.2.0 (2/2)",
		}, []string{"progress.example/greet@v1.0.0", "progress.example/hello@v1.2.0"}},
		{"go.mod in the index", []string{
			"start info fetching progress.example/greet@v1.0.0 (1/1)",
			"stop info fetching progress.example/greet@v1.0.0 (1/1)",
		}, []string{"progress.example/greet@v1.0.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			m, err := prepareModules(withProgress(t.Context(), rec), src, nil, t.TempDir(), &Policy{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, rec.events)
			assert.Equal(t, tt.fetched, m.fetched)
		})
	}

	// Without a Progress nothing is reported, and nothing breaks.
	_, err := prepareModules(t.Context(), src, nil, t.TempDir(), &Policy{})
	require.NoError(t, err)

	// A download that fails (offline) is reported, then its step ended.
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	rec := &recorder{}
	_, err = prepareModules(withProgress(t.Context(), rec), src, nil, t.TempDir(), &Policy{Offline: true})
	require.Error(t, err)
	assert.Equal(t, []string{
		"start info fetching progress.example/greet@v1.0.0 (1/2)",
		"stop info fetching progress.example/greet@v1.0.0 (1/2)",
	}, rec.events)
}

// TestProgressTexts: the texts the shim shows, and a context without a
// Progress.
func TestProgressTexts(t *testing.T) {
	mod := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/x\n\ngo 1.22\n"), 0o644))
	noMod := t.TempDir()
	tests := []struct {
		name, got, want string
	}{
		{"fetch", fetchText("github.com/x/y@v1.2.3", 3, 62), "fetching github.com/x/y@v1.2.3 (3/62)"},
		{"planning", planningText(mod, "running go list"), "planning example.com/x: running go list"},
		{"planning, no go.mod", planningText(noMod, "running go list"), "planning " + noMod + ": running go list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
	assert.NotPanics(t, func() { startStep(context.Background(), LevelInfo, "nothing listens")() })
	assert.Equal(t, context.Background(), withProgress(context.Background(), nil))
}
