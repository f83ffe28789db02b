package srcfs

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/srcfs/srcfstest"
)

const secret = srcfstest.Secret

// tree makes src (a module with a package real and a testdata directory)
// beside outside/ (srcfstest.Tree) with links under it.
func tree(t *testing.T, links map[string]string) string {
	return srcfstest.Tree(t, map[string]string{
		"go.mod":              "module m\n",
		"real/a.go":           "package real\n",
		"pkg/testdata/in.txt": "hello\n",
	}, links)
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name  string
		links map[string]string
		path  string
		real  string // want on success
		link  string // want the error to name this link
		cause error
	}{
		{name: "plain file", path: "real/a.go", real: "real/a.go"},
		{name: "root", path: ".", real: "."},
		{name: "directory link to outside", links: map[string]string{"dir": "@outside/dir"},
			path: "dir/x.go", link: "dir", cause: ErrOutside},
		{name: "relative directory link to outside", links: map[string]string{"dir": "../outside/dir"},
			path: "dir/x.go", link: "dir", cause: ErrOutside},
		{name: "file link to outside", links: map[string]string{"s.go": "@outside/secret.txt"},
			path: "s.go", link: "s.go", cause: ErrOutside},
		{name: "go.sum to outside", links: map[string]string{"go.sum": "@outside/secret.txt"},
			path: "go.sum", link: "go.sum", cause: ErrOutside},
		{name: "link inside", links: map[string]string{"alias": "real"},
			path: "alias/a.go", real: "real/a.go"},
		{name: "absolute link inside", links: map[string]string{"alias": "@src/real"},
			path: "alias/a.go", real: "real/a.go"},
		{name: "link with .. staying inside", links: map[string]string{"pkg/up": "../real/a.go"},
			path: "pkg/up", real: "real/a.go"},
		{name: "chain inside", links: map[string]string{"a": "b", "b": "real"},
			path: "a/a.go", real: "real/a.go"},
		{name: "chain that leaves and comes back", links: map[string]string{"back": "../src/real"},
			path: "back/a.go", link: "back", cause: ErrOutside},
		{name: "chain leaving at its second link", links: map[string]string{"a": "b", "b": "@outside/dir"},
			path: "a/x.go", link: "a", cause: ErrOutside},
		{name: ".. components", path: "real/../../outside/secret.txt", cause: ErrOutside},
		{name: "absolute path", path: "/etc/passwd", cause: ErrOutside},
		{name: "dangling link", links: map[string]string{"gone": "nowhere"},
			path: "gone", link: "gone", cause: ErrDangling},
		{name: "missing file", path: "nothing.go", cause: fs.ErrNotExist},
		{name: "missing file below a link inside", links: map[string]string{"alias": "real"},
			path: "alias/nothing.go", cause: fs.ErrNotExist},
		{name: "dangling link in a chain", links: map[string]string{"a": "b", "b": "nowhere"},
			path: "a/x.go", link: "a", cause: ErrDangling},
		{name: "loop", links: map[string]string{"l1": "l2", "l2": "l1"}, path: "l1", link: "l1"},
		{name: "testdata directory link to outside", links: map[string]string{"pkg/testdata/more": "@outside/dir"},
			path: "pkg/testdata/more/.env", link: "pkg/testdata/more", cause: ErrOutside},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tree(t, tt.links)
			real, fi, err := Resolve(src, tt.path)
			if tt.real != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.real, real)
				assert.Zero(t, fi.Mode()&fs.ModeSymlink)
				return
			}
			require.Error(t, err)
			var se *Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.link, se.Link)
			if tt.cause != nil {
				assert.ErrorIs(t, err, tt.cause)
			}
			if tt.link != "" {
				assert.Contains(t, err.Error(), tt.link)
				assert.NotContains(t, err.Error(), "outside/", "the message must not quote a target")
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	tests := []struct {
		name  string
		links map[string]string
		path  string
		want  string
		link  string
		cause error
	}{
		{name: "regular", path: "go.mod", want: "module m\n"},
		{name: "go.mod to outside file", links: map[string]string{"go.mod2": "@outside/secret.txt"},
			path: "go.mod2", link: "go.mod2", cause: ErrOutside},
		{name: "go.sum to outside file", links: map[string]string{"go.sum": "@outside/secret.txt"},
			path: "go.sum", link: "go.sum", cause: ErrOutside},
		{name: "go.sum to a file inside", links: map[string]string{"go.sum": "go.mod"},
			path: "go.sum", want: "module m\n"},
		{name: "a directory", path: "real", cause: fs.ErrInvalid},
		{name: "missing", path: "go.sum", cause: fs.ErrNotExist},
		{name: "dangling", links: map[string]string{"go.sum": "go.sum.orig"},
			path: "go.sum", link: "go.sum", cause: ErrDangling},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tree(t, tt.links)
			data, err := ReadFile(src, tt.path)
			if tt.cause == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(data))
				return
			}
			assert.ErrorIs(t, err, tt.cause)
			assert.NotContains(t, err.Error(), secret)
			var se *Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.link, se.Link)
		})
	}
}

func TestFile(t *testing.T) {
	tests := []struct {
		name  string
		links map[string]string
		path  string
		link  string
		cause error // nil: a regular file
	}{
		{name: "regular", path: "real/a.go"},
		{name: "outside file link", links: map[string]string{"real/s.go": "@outside/secret.txt"},
			path: "real/s.go", link: "real/s.go", cause: ErrOutside},
		{name: "inside file link", links: map[string]string{"real/b.go": "a.go"},
			path: "real/b.go", link: "real/b.go", cause: ErrSymlink},
		{name: "embedded file below an inside directory link", links: map[string]string{"real/static": "../pkg"},
			path: "real/static/testdata/in.txt", link: "real/static", cause: ErrSymlink},
		{name: "embedded file below an outside directory link", links: map[string]string{"real/static": "@outside/dir"},
			path: "real/static/.env", link: "real/static", cause: ErrOutside},
		{name: "dangling", links: map[string]string{"real/gone.go": "nowhere.go"},
			path: "real/gone.go", link: "real/gone.go", cause: ErrSymlink},
		{name: "directory", path: "real", cause: fs.ErrInvalid},
		{name: "climbing out", path: "../outside/secret.txt", cause: ErrOutside},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tree(t, tt.links)
			err := File(src, tt.path)
			if tt.cause == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.cause)
			var se *Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.link, se.Link)
			if tt.link != "" {
				assert.NotContains(t, err.Error(), "outside/", "the message must not quote a target")
			}
		})
	}
}

func TestOutsideLinks(t *testing.T) {
	src := tree(t, map[string]string{
		"dir":                    "@outside/dir",
		"alias":                  "real",
		"go.sum":                 "@outside/secret.txt",
		"pkg/testdata/more":      "@outside/dir",
		"pkg/testdata/fine":      "in.txt",
		"back":                   "../src/real",
		"gone":                   "nowhere",
		"real/deep/x.go":         "../../../outside/dir/x.go",
		"real/deep/inside_up.go": "../a.go",
	})
	links, err := OutsideLinks(src)
	require.NoError(t, err)
	assert.Equal(t, []string{"back", "dir", "go.sum", "pkg/testdata/more", "real/deep/x.go"}, links)
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Path: "go.sum", Link: "go.sum", Reason: ErrOutside.Error()}, "go.sum is a symlink that leads outside src"},
		{&Error{Path: "a/x.go", Link: "a", Reason: ErrOutside.Error()}, "a/x.go: a is a symlink that leads outside src"},
		{&Error{Path: "x", Reason: "is not a regular file"}, "x: is not a regular file"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.err.Error())
		assert.True(t, errors.Is(&Error{Err: ErrOutside}, ErrOutside))
	}
}

func TestClimbs(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{".", false},
		{"a", false},
		{"a/b", false},
		{"..a", false},
		{"a/..b", false},
		{"..", true},
		{"../a", true},
		{"/abs", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Climbs(tt.rel), tt.rel)
	}
}
