package graph

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/plancache"
)

// TestPlanCache plans a module, edits it, and plans it again with the
// cache and afresh: the same derivations either way, and only an edit
// that changes what go reads plans afresh.
func TestPlanCache(t *testing.T) {
	isolateModuleIndex(t)
	goRoot := synthGoRoot(t)
	src := t.TempDir()
	writeTree(t, src, map[string]string{
		"go.mod":      "module example.com/c\n\ngo 1.22\n",
		"main.go":     "package main\n\nimport \"example.com/c/lib\"\n\nfunc main() { println(lib.N()) }\n",
		"lib/lib.go":  "package lib\n\n// N is n.\nfunc N() int { return 1 }\n",
		"lib/data.go": "package lib\n",
	})
	contentAddressed := false
	request := func(cache bool) *Request {
		req := synthesizeRequest(src, false)
		req.Policy.PlanCache = cache
		req.Ldflags = []string{"-buildid="} // as buildGoApplication has it
		req.ContentAddressed = contentAddressed
		return req
	}
	cached := &Planner{cache: &plancache.Cache{}, goRoot: goRoot}
	fresh := &Planner{cache: &plancache.Cache{}, goRoot: goRoot}
	edit := func(file, old, new string) {
		p := filepath.Join(src, file)
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		require.Contains(t, string(data), old)
		require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
	}
	tests := []struct {
		name   string
		edit   func()
		cached bool
	}{
		{"first plan", func() {}, false},
		{"unchanged", func() {}, true},
		{"a body edit", func() { edit("lib/lib.go", "return 1", "return 2") }, true},
		{"an import", func() { edit("lib/data.go", "package lib\n", "package lib\n\nimport _ \"strings\"\n") }, false},
		{"another body edit", func() { edit("lib/lib.go", "return 2", "return 3") }, true},
		{"a file removed", func() { require.NoError(t, os.Remove(filepath.Join(src, "lib/data.go"))) }, false},
		{"a build constraint", func() { edit("lib/lib.go", "package lib", "//go:build !nothing\n\npackage lib") }, false},
		{"content-addressed", func() { contentAddressed = true }, false},
		{"content-addressed, a body edit", func() { edit("lib/lib.go", "return 3", "return 4") }, true},
		{"input-addressed again", func() { contentAddressed = false }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.edit()
			got, err := cached.Plan(request(true))
			require.NoError(t, err)
			want, err := fresh.Plan(request(false))
			require.NoError(t, err)
			assert.Equal(t, tt.cached, strings.Contains(got.Messages[0], "(cached plan)"), got.Messages[0])
			assert.NotContains(t, want.Messages[0], "(cached plan)")
			require.Equal(t, drvPaths(want), drvPaths(got))
		})
	}
}

// TestPlanCacheActionBuildID: a plan whose link keeps cmd/go's build ID
// (no -buildid in ldflags), a digest of whole files, is never reused.
func TestPlanCacheActionBuildID(t *testing.T) {
	isolateModuleIndex(t)
	src := t.TempDir()
	writeTree(t, src, map[string]string{"go.mod": "module example.com/b\n\ngo 1.22\n", "main.go": "package main\n\nfunc main() {}\n"})
	p := &Planner{cache: &plancache.Cache{}, goRoot: synthGoRoot(t)}
	tests := []struct {
		ldflags []string
		cached  bool
	}{
		{nil, false}, {nil, false}, // planned twice: kept neither time
		{[]string{"-buildid="}, false}, {[]string{"-buildid="}, true}, // the same planner does keep plans
	}
	for _, tt := range tests {
		req := synthesizeRequest(src, false)
		req.Policy.PlanCache, req.Ldflags = true, tt.ldflags
		res, err := p.Plan(req)
		require.NoError(t, err)
		assert.Equal(t, tt.cached, strings.Contains(res.Messages[0], "(cached plan)"), "ldflags %q", tt.ldflags)
	}
}

func drvPaths(r *Result) []string {
	var paths []string
	for _, d := range r.Derivations {
		paths = append(paths, d.DrvPath)
	}
	return paths
}
