package plan

// This file checks src itself before any go runs: that it is a directory,
// and that its go.mod points at nothing outside it (nix-gograph reads
// nothing outside src).

import (
	"fmt"
	"os"
	"path"
	"path/filepath"

	"golang.org/x/mod/modfile"

	"github.com/nix-gograph/nix-gograph/gobridge/srcfs"
)

// CheckSrc reports, as a bad-argument Error naming src, a src that exists
// but is not a directory. A src that does not exist is left to the go.mod
// check, which says it has no go.mod.
func CheckSrc(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err != nil || fi.IsDir():
		return nil
	case fi.Mode().IsRegular():
		return &Error{Kind: KindBadArgument, Argument: "src",
			Message: fmt.Sprintf("src %s is a file; it must be the directory holding go.mod", dir)}
	default:
		return &Error{Kind: KindBadArgument, Argument: "src",
			Message: fmt.Sprintf("src %s is not a directory; it must be the directory holding go.mod", dir)}
	}
}

// ModuleFiles are the names of the files whose every byte go may read
// while planning, at any depth (a nested go.mod ends the module there;
// go.work and go.work.sum are read in workspace mode, workspace.go).
var ModuleFiles = map[string]bool{"go.mod": true, "go.sum": true, "go.work": true, "go.work.sum": true,
	"modules.txt": true}

// SourceExts are the extensions of the files other than .go that go list
// reads (their build constraints) or lists in a package directory
// (cmd/go's go/build).
var SourceExts = map[string]bool{".c": true, ".cc": true, ".cxx": true, ".cpp": true, ".m": true,
	".h": true, ".hh": true, ".hpp": true, ".hxx": true, ".f": true, ".F": true, ".for": true, ".f90": true,
	".s": true, ".S": true, ".sx": true, ".swig": true, ".swigcxx": true, ".syso": true}

// checkReplaces refuses a go.mod in root/dir (dir slash-separated,
// relative to root) with a replace directive whose replacement is a
// directory outside root ("replace x => ../y"): go would read it, and
// nothing outside src may be read. A go.mod that does not parse is left to
// go, which says why.
func checkReplaces(root, dir string) error {
	file := path.Join(dir, "go.mod")
	data, err := srcfs.ReadFile(root, file) // readGoMod reported any error
	if err != nil {
		return nil
	}
	mf, err := modfile.Parse(file, data, nil)
	if err != nil {
		return nil
	}
	return checkReplaceDirs(root, filepath.Join(root, filepath.FromSlash(dir)), file, mf.Replace)
}

// checkReplaceDirs refuses a replacement directory, written in file (a
// go.mod or go.work in base), outside root.
func checkReplaceDirs(root, base, file string, replaces []*modfile.Replace) error {
	for _, r := range replaces {
		if r.New.Version != "" {
			continue // a module, not a directory
		}
		if _, ok := inside(root, base, r.New.Path); ok {
			continue
		}
		old := r.Old.Path
		if r.Old.Version != "" {
			old += " " + r.Old.Version
		}
		return &Error{Kind: KindOutsideSrc, Argument: "src", Package: r.Old.Path, Message: fmt.Sprintf(
			"%s:%d: replace %s => %s: the directory is outside src, and nix-gograph reads nothing outside src "+
				"(move it inside src, or replace with a module version)", file, r.Syntax.Start.Line, old, r.New.Path)}
	}
	return nil
}
