package plan

import (
	"errors"
	"io/fs"

	"github.com/nix-gograph/nix-gograph/gobridge/srcfs"
)

// SrcError turns an error of package srcfs (a file of src that is not a
// regular file inside src: a symlink leaving it, a dangling one, …) into a
// KindOutsideSrc error naming the path and the link, and quoting nothing
// from beyond src. A plain "does not exist" and any other error are
// returned as they are.
func SrcError(err error) error {
	var se *srcfs.Error
	if !errors.As(err, &se) || (errors.Is(err, fs.ErrNotExist) && se.Link == "") {
		return err
	}
	msg := se.Error()
	if srcfs.IsOutside(err) {
		msg += " (nix-gograph reads nothing outside src)"
	}
	return &Error{Kind: KindOutsideSrc, Argument: "src", Message: msg}
}
