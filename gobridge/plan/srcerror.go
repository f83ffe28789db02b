package plan

import (
	"errors"
	"io/fs"

	"github.com/nix-gograph/nix-gograph/gobridge/srcfs"
)

// SrcError turns an error of package srcfs about a path of src into an
// Error naming the path (and the symlink at fault, if any) and quoting
// nothing from beyond src. Its kind says what is wrong:
//
//   - KindOutsideSrc when the path leaves src (srcfs.ErrOutside) or is a
//     symlink where a regular file is needed (srcfs.ErrSymlink);
//   - otherwise (a directory where a file should be, permission denied, a
//     dangling symlink, …) the kind of the file: KindNoModule for go.mod,
//     KindGoSum for go.sum, KindBadArgument naming src for any other path.
//     Callers checking a package's files make that KindPackage (they know
//     the package).
//
// A plain "does not exist" (no symlink involved) and an error not of
// srcfs are returned as they are.
func SrcError(err error) error {
	var se *srcfs.Error
	if !errors.As(err, &se) || (errors.Is(err, fs.ErrNotExist) && se.Link == "") {
		return err
	}
	msg := se.Error()
	switch {
	case srcfs.IsOutside(err):
		return &Error{Kind: KindOutsideSrc, Argument: "src", Message: msg + " (nix-gograph reads nothing outside src)"}
	case errors.Is(err, srcfs.ErrSymlink):
		return &Error{Kind: KindOutsideSrc, Argument: "src", Message: msg}
	case se.Path == "go.mod":
		return &Error{Kind: KindNoModule, Argument: "src", Message: msg}
	case se.Path == "go.sum":
		return &Error{Kind: KindGoSum, Argument: "src", Message: msg}
	}
	return &Error{Kind: KindBadArgument, Argument: "src", Message: msg}
}
