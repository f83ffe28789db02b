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

	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

const guardSecret = "SECRET-c41d"

// guardTree makes src/ (a module with package pkg and its testdata) and
// outside/ (a file whose first line is a secret, and a directory holding a
// .go file and a .env), plus links under src (name -> target; "@x" is
// outside/x, absolute). It returns src.
func guardTree(t *testing.T, links map[string]string) string {
	t.Helper()
	top := t.TempDir()
	for rel, content := range map[string]string{
		"outside/sum":           guardSecret + " malformed\n",
		"outside/dir/x.go":      "package x // " + guardSecret + "\n",
		"outside/dir/.env":      "TOKEN=" + guardSecret + "\n",
		"src/go.mod":            "module m\n",
		"src/pkg/p.go":          "package pkg\n",
		"src/pkg/p_test.go":     "package pkg\n",
		"src/pkg/testdata/in":   "in\n",
		"src/pkg/testdata/d/in": "in\n",
	} {
		p := filepath.Join(top, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	src := filepath.Join(top, "src")
	for name, target := range links {
		if strings.HasPrefix(target, "@") {
			target = filepath.Join(top, "outside", target[1:])
		}
		require.NoError(t, os.Symlink(target, filepath.Join(src, name)))
	}
	return src
}

// requireOutside checks that err is a KindOutsideSrc error naming link and
// quoting nothing from outside src.
func requireOutside(t *testing.T, err error, link string) {
	t.Helper()
	var pe *plan.Error
	require.True(t, errors.As(err, &pe), "want a plan.Error, got %v", err)
	assert.Equal(t, plan.KindOutsideSrc, pe.Kind, pe.Message)
	assert.Contains(t, pe.Message, link+" is a symlink that leads outside src")
	assert.NotContains(t, pe.Message, guardSecret)
	assert.NotContains(t, pe.Message, "outside/")
}

func TestCheckSrcLinks(t *testing.T) {
	tests := []struct {
		name    string
		links   map[string]string
		refused string   // the link refused up front
		outside []string // else: the links returned for blameOutside
	}{
		{name: "none"},
		{name: "go.sum", links: map[string]string{"go.sum": "@sum"}, refused: "go.sum"},
		{name: "a .go file", links: map[string]string{"pkg/s.go": "@dir/x.go"}, refused: "pkg/s.go"},
		{name: "vendor/modules.txt", links: map[string]string{"vendor": "@dir"}, outside: []string{"vendor"}},
		{name: "a directory", links: map[string]string{"linked": "@dir"}, outside: []string{"linked"}},
		{name: "a result link", links: map[string]string{"result": "/nix/store"}, outside: []string{"result"}},
		{name: "inside", links: map[string]string{"alias": "pkg", "pkg/q.go": "p.go"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := guardTree(t, tt.links)
			outside, err := checkSrcLinks(src)
			if tt.refused != "" {
				requireOutside(t, err, tt.refused)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.outside, outside)
		})
	}
}

func TestReadGoSumOutside(t *testing.T) {
	tests := []struct {
		name  string
		links map[string]string
		link  string // "" if there is no go.sum to read
	}{
		{name: "missing"},
		{name: "outside", links: map[string]string{"go.sum": "@sum"}, link: "go.sum"},
		{name: "dangling", links: map[string]string{"go.sum": "go.sum.orig"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := guardTree(t, tt.links)
			mods, err := prepareModules(context.Background(), src, t.TempDir(), &Policy{})
			switch {
			case tt.link != "":
				requireOutside(t, err, tt.link)
			case tt.links != nil: // dangling: refused, naming it
				var pe *plan.Error
				require.True(t, errors.As(err, &pe), "got %v", err)
				assert.Equal(t, plan.KindOutsideSrc, pe.Kind)
				assert.Contains(t, pe.Message, "go.sum is a symlink that is dangling")
			default:
				assert.NoError(t, err)
				assert.Nil(t, mods)
			}
		})
	}
}

func TestPackageSource(t *testing.T) {
	tests := []struct {
		name  string
		links map[string]string
		dir   string   // relative to src
		files []string // relative to dir
		real  string   // want, or
		link  string   // the link named by a KindOutsideSrc error
		msg   string   // a fragment of that error
	}{
		{name: "plain", dir: "pkg", files: []string{"p.go"}, real: "pkg"},
		{name: "directory link inside", links: map[string]string{"alias": "pkg"}, dir: "alias",
			files: []string{"p.go"}, real: "pkg"},
		{name: "directory link outside", links: map[string]string{"linked": "@dir"}, dir: "linked",
			files: []string{"x.go"}, link: "linked", msg: "linked is a symlink that leads outside src"},
		{name: "file link outside", links: map[string]string{"pkg/s.go": "@dir/x.go"}, dir: "pkg",
			files: []string{"p.go", "s.go"}, link: "pkg/s.go", msg: "pkg/s.go is a symlink that leads outside src"},
		{name: "file link inside", links: map[string]string{"pkg/q.go": "p.go"}, dir: "pkg",
			files: []string{"q.go"}, link: "pkg/q.go", msg: "pkg/q.go is a symlink that stays inside src"},
		{name: "embedded directory link outside", links: map[string]string{"pkg/static": "@dir"}, dir: "pkg",
			files: []string{"static/.env"}, link: "pkg/static", msg: "pkg/static is a symlink that leads outside src"},
		{name: "outside the module root", dir: "..", files: []string{"sum"}, msg: "package m/x is not in src"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := guardTree(t, tt.links)
			real, err := packageSource(src, "m/x", filepath.Join(src, tt.dir), tt.files)
			if tt.msg == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.real, real)
				return
			}
			var pe *plan.Error
			require.True(t, errors.As(err, &pe), "got %v", err)
			assert.Equal(t, plan.KindOutsideSrc, pe.Kind)
			assert.Equal(t, "m/x", pe.Package)
			assert.Contains(t, pe.Message, tt.msg)
			assert.NotContains(t, pe.Message, guardSecret)
		})
	}
}

func TestTestDirFiles(t *testing.T) {
	tests := []struct {
		name  string
		links map[string]string
		dir   string
		real  string
		files []string
		link  string // the link refused
	}{
		{name: "plain", dir: "pkg", real: "pkg",
			files: []string{"p.go", "p_test.go", "testdata/d/in", "testdata/in"}},
		{name: "testdata directory symlink to outside", links: map[string]string{"pkg/testdata/more": "@dir"},
			dir: "pkg", link: "pkg/testdata/more"},
		{name: "a file of the directory to outside", links: map[string]string{"pkg/.env": "@dir/.env"},
			dir: "pkg", link: "pkg/.env"},
		{name: "the package directory to outside", links: map[string]string{"linked": "@dir"},
			dir: "linked", link: "linked"},
		{name: "links inside are kept", links: map[string]string{"pkg/testdata/again": "in", "alias": "pkg"},
			dir: "alias", real: "pkg",
			files: []string{"p.go", "p_test.go", "testdata/again", "testdata/d/in", "testdata/in"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := guardTree(t, tt.links)
			real, files, err := testDirFiles(src, "m/x", filepath.Join(src, tt.dir))
			if tt.link != "" {
				requireOutside(t, err, tt.link)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.real, real)
			assert.Equal(t, tt.files, files)
		})
	}
}

func TestBlameOutside(t *testing.T) {
	links := []string{"linked", "a/deep"}
	tests := []struct {
		msg  string
		link string // "" if err is kept
	}{
		{msg: "package m/linked: found packages x (x.go) and y (y.go)", link: "linked"},
		{msg: "/src/a/deep/x.go:1:9: expected 'package'", link: "a/deep"},
		{msg: "package m/linkedlist: syntax error"},
		{msg: "package m/other: linked is not mentioned as a path"},
	}
	for _, tt := range tests {
		err := blameOutside(errors.New(tt.msg), links)
		if tt.link == "" {
			assert.EqualError(t, err, tt.msg)
			continue
		}
		requireOutside(t, err, tt.link)
	}
}

func TestSrcHasFile(t *testing.T) {
	tests := []struct {
		name  string
		links map[string]string
		want  bool
		link  string // the link refused
	}{
		{name: "no vendor directory"},
		{name: "vendor directory leaving src", links: map[string]string{"vendor": "@dir"}, link: "vendor"},
		{name: "vendor directory inside src", links: map[string]string{"vendor": "pkg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := guardTree(t, tt.links)
			got, err := srcHasFile(src, "vendor/modules.txt")
			if tt.link != "" {
				requireOutside(t, err, tt.link)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
