package graph

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/plan"
	"github.com/nix-gograph/nix-gograph/gobridge/srcfs/srcfstest"
)

const guardSecret = srcfstest.Secret

// guardTree makes src, module m with a package pkg and its testdata, with
// links under it, beside outside/ (srcfstest.Tree: "@outside/dir" is the
// outside directory holding x.go and .env, "@outside/secret.txt" a file
// whose first line is the secret).
func guardTree(t *testing.T, links map[string]string) string {
	return srcfstest.Tree(t, map[string]string{
		"go.mod":            "module m\n",
		"pkg/p.go":          "package pkg\n",
		"pkg/p_test.go":     "package pkg\n",
		"pkg/testdata/in":   "in\n",
		"pkg/testdata/d/in": "in\n",
	}, links)
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
		{name: "go.sum", links: map[string]string{"go.sum": "@outside/secret.txt"}, refused: "go.sum"},
		{name: "a .go file", links: map[string]string{"pkg/s.go": "@outside/dir/x.go"}, refused: "pkg/s.go"},
		{name: "vendor/modules.txt", links: map[string]string{"vendor": "@outside/dir"}, outside: []string{"vendor"}},
		{name: "a directory", links: map[string]string{"linked": "@outside/dir"}, outside: []string{"linked"}},
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
			assert.Equal(t, tt.outside, outside.links)
			assert.Equal(t, "m", outside.modulePath)
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
		{name: "outside", links: map[string]string{"go.sum": "@outside/secret.txt"}, link: "go.sum"},
		{name: "dangling", links: map[string]string{"go.sum": "go.sum.orig"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := guardTree(t, tt.links)
			mods, err := prepareModules(context.Background(), src, nil, t.TempDir(), &Policy{})
			switch {
			case tt.link != "":
				requireOutside(t, err, tt.link)
			case tt.links != nil: // dangling: refused as go.sum's problem, naming it
				var pe *plan.Error
				require.True(t, errors.As(err, &pe), "got %v", err)
				assert.Equal(t, plan.KindGoSum, pe.Kind)
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
		msg   string   // a fragment of the error
		kind  plan.ErrorKind
	}{
		{name: "plain", dir: "pkg", files: []string{"p.go"}, real: "pkg"},
		{name: "directory link inside", links: map[string]string{"alias": "pkg"}, dir: "alias",
			files: []string{"p.go"}, real: "pkg"},
		{name: "directory link outside", links: map[string]string{"linked": "@outside/dir"}, dir: "linked",
			files: []string{"x.go"}, msg: "linked is a symlink that leads outside src", kind: plan.KindOutsideSrc},
		{name: "file link outside", links: map[string]string{"pkg/s.go": "@outside/dir/x.go"}, dir: "pkg",
			files: []string{"p.go", "s.go"}, msg: "pkg/s.go is a symlink that leads outside src", kind: plan.KindOutsideSrc},
		{name: "file link inside", links: map[string]string{"pkg/q.go": "p.go"}, dir: "pkg",
			files: []string{"q.go"}, msg: "pkg/q.go is a symlink that stays inside src", kind: plan.KindOutsideSrc},
		{name: "embedded directory link outside", links: map[string]string{"pkg/static": "@outside/dir"}, dir: "pkg",
			files: []string{"static/.env"}, msg: "pkg/static is a symlink that leads outside src", kind: plan.KindOutsideSrc},
		{name: "outside the module root", dir: "..", files: []string{"secret.txt"}, msg: "package m/x is not in src",
			kind: plan.KindOutsideSrc},
		{name: "the directory a file", dir: "go.mod", msg: "package m/x: go.mod: is not a directory", kind: plan.KindPackage},
		{name: "a file a directory", dir: "pkg", files: []string{"testdata"},
			msg: "package m/x: pkg/testdata: is not a regular file", kind: plan.KindPackage},
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
			assert.Equal(t, tt.kind, pe.Kind)
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
		{name: "testdata directory symlink to outside", links: map[string]string{"pkg/testdata/more": "@outside/dir"},
			dir: "pkg", link: "pkg/testdata/more"},
		{name: "a file of the directory to outside", links: map[string]string{"pkg/.env": "@outside/dir/.env"},
			dir: "pkg", link: "pkg/.env"},
		{name: "the package directory to outside", links: map[string]string{"linked": "@outside/dir"},
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
	src := guardTree(t, map[string]string{"linked": "@outside/dir", "a/deep": "@outside/dir",
		"internal/util": "@outside/dir", "alias": "pkg"})
	outside, err := checkSrcLinks(src)
	require.NoError(t, err)
	require.Equal(t, []string{"a/deep", "internal/util", "linked"}, outside.links)
	tests := []struct {
		name string
		pkg  string // if set, err is a plan.Error of this package with message msg
		msg  string // "@SRC@" is src
		link string // "" if err is kept
	}{
		{name: "the failing package through a link", pkg: "m/a/deep", msg: "expected 'package', found 'EOF'", link: "a/deep"},
		{name: "below a link", pkg: "m/linked/sub", msg: "no Go files", link: "linked"},
		{name: "a pattern through a link", pkg: "./linked/...", msg: "matched nothing", link: "linked"},
		{name: "a package through a link inside src", pkg: "m/alias", msg: "syntax error"},
		{name: "another module's package of the same name", pkg: "github.com/x/m/internal/util",
			msg: "package github.com/x/m/internal/util: cannot find module providing package github.com/x/m/internal/util"},
		{name: "import path in the message", msg: "package m/linked: found packages x (x.go) and y (y.go)", link: "linked"},
		{name: "absolute path in the message", msg: "@SRC@/a/deep/x.go:1:9: expected 'package'", link: "a/deep"},
		{name: "absolute directory in the message", msg: "no Go files in @SRC@/linked", link: "linked"},
		{name: "a longer element", msg: "package m/linkedlist: syntax error"},
		{name: "not a path", msg: "package m/other: linked is not mentioned as a path"},
		{name: "the link's name in another module's import path",
			msg: "main.go:3:8: no required module provides package github.com/x/m/internal/util"},
		{name: "the link's name in another directory", msg: "/home/u/go/src/m/internal/util/x.go:1:1: expected 'package'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := strings.ReplaceAll(tt.msg, "@SRC@", src)
			in := errors.New(msg)
			if tt.pkg != "" {
				in = &plan.Error{Kind: plan.KindPackage, Package: tt.pkg, Message: msg}
			}
			err := blameOutside(in, outside)
			if tt.link == "" {
				assert.Same(t, in, err)
				return
			}
			requireOutside(t, err, tt.link)
		})
	}
	kept := &plan.Error{Kind: plan.KindOutsideSrc, Package: "m/linked", Message: "refused already"}
	assert.Same(t, kept, blameOutside(kept, outside))
}

func TestSrcHasFile(t *testing.T) {
	tests := []struct {
		name  string
		links map[string]string
		want  bool
		link  string // the link refused
	}{
		{name: "no vendor directory"},
		{name: "vendor directory leaving src", links: map[string]string{"vendor": "@outside/dir"}, link: "vendor"},
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
