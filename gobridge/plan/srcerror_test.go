package plan

import (
	"errors"
	"io/fs"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/srcfs"
)

func TestSrcError(t *testing.T) {
	tests := []struct {
		name string
		err  *srcfs.Error
		kind ErrorKind // "": err is returned as it is
		msg  string
	}{
		{name: "go.sum leaving src",
			err:  &srcfs.Error{Path: "go.sum", Link: "go.sum", Reason: srcfs.ErrOutside.Error(), Err: srcfs.ErrOutside},
			kind: KindOutsideSrc, msg: "go.sum is a symlink that leads outside src (nix-gograph reads nothing outside src)"},
		{name: "climbing out of src",
			err:  &srcfs.Error{Path: "../x", Reason: "climbs out of src", Err: srcfs.ErrOutside},
			kind: KindOutsideSrc, msg: "../x: climbs out of src (nix-gograph reads nothing outside src)"},
		{name: "a package file that is a symlink inside src",
			err:  &srcfs.Error{Path: "pkg/q.go", Link: "pkg/q.go", Reason: "stays inside src", Err: srcfs.ErrSymlink},
			kind: KindOutsideSrc, msg: "pkg/q.go is a symlink that stays inside src"},
		{name: "go.mod a directory",
			err:  &srcfs.Error{Path: "go.mod", Reason: "is not a regular file", Err: fs.ErrInvalid},
			kind: KindNoModule, msg: "go.mod: is not a regular file"},
		{name: "go.mod unreadable",
			err:  &srcfs.Error{Path: "go.mod", Reason: "cannot be read: permission denied", Err: fs.ErrPermission},
			kind: KindNoModule, msg: "go.mod: cannot be read: permission denied"},
		{name: "go.sum unreadable",
			err:  &srcfs.Error{Path: "go.sum", Reason: "cannot be read: permission denied", Err: fs.ErrPermission},
			kind: KindGoSum, msg: "go.sum: cannot be read: permission denied"},
		{name: "go.sum a dangling symlink",
			err:  &srcfs.Error{Path: "go.sum", Link: "go.sum", Reason: srcfs.ErrDangling.Error(), Err: srcfs.ErrDangling},
			kind: KindGoSum, msg: "go.sum is a symlink that is dangling"},
		{name: "go.sum below a symlink loop",
			err:  &srcfs.Error{Path: "go.sum", Link: "go.sum", Reason: "leads through too many symlinks", Err: syscall.ELOOP},
			kind: KindGoSum, msg: "go.sum is a symlink that leads through too many symlinks"},
		{name: "another file of src",
			err:  &srcfs.Error{Path: "vendor/modules.txt", Reason: "vendor is not a directory", Err: syscall.ENOTDIR},
			kind: KindBadArgument, msg: "vendor/modules.txt: vendor is not a directory"},
		{name: "a plain missing file",
			err: &srcfs.Error{Path: "go.sum", Reason: "cannot be read: no such file or directory", Err: fs.ErrNotExist}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := SrcError(tt.err)
			if tt.kind == "" {
				assert.Same(t, tt.err, err)
				return
			}
			var pe *Error
			require.True(t, errors.As(err, &pe), "got %v", err)
			assert.Equal(t, tt.kind, pe.Kind)
			assert.Equal(t, "src", pe.Argument)
			assert.Equal(t, tt.msg, pe.Message)
		})
	}
	plain := errors.New("not of srcfs")
	assert.Same(t, plain, SrcError(plain))
}
