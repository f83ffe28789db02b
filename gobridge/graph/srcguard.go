package graph

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/nix-gograph/nix-gograph/gobridge/plan"
	"github.com/nix-gograph/nix-gograph/gobridge/srcfs"
)

// Nothing outside src is read (issue 13). Planning reads src in three
// ways, each guarded here or through package srcfs:
//
//   - nix-gograph itself reads go.mod, go.sum and vendor/modules.txt with
//     srcfs.ReadFile, and resolves every main-module package directory,
//     package file, embedded file and test directory with srcfs before it
//     is hashed or copied to the store (packageSource, testDirFiles);
//   - go reads the files a package is made of: before any go command
//     runs, checkSrcLinks refuses every symlink leaving src whose name go
//     would read as a module or package file;
//   - go also follows a directory symlink when a pattern or an import
//     names a package through it: such a package is refused once planned
//     (packageSource), and when planning fails, blameOutside puts the
//     blame on a symlink leaving src that the failure names, so go's
//     message (which may quote what it read there) is not shown.
//
// Symlinks leaving src that go never reads (a `result` link, say) are
// left alone: nothing follows them.

// goFileExts are the extensions of the files go list reads or lists in a
// package directory (cmd/go's go/build), and goModuleFiles the names of
// the module files go reads.
var (
	goFileExts = map[string]bool{".go": true, ".c": true, ".cc": true, ".cxx": true, ".cpp": true, ".m": true,
		".h": true, ".hh": true, ".hpp": true, ".hxx": true, ".f": true, ".F": true, ".for": true, ".f90": true,
		".s": true, ".S": true, ".sx": true, ".swig": true, ".swigcxx": true, ".syso": true}
	goModuleFiles = map[string]bool{"go.mod": true, "go.sum": true, "go.work": true, "go.work.sum": true,
		"modules.txt": true}
)

// checkSrcLinks returns the symlinks under src that leave it, refusing
// (with a plan.KindOutsideSrc error naming the first) those go would read
// by their name.
func checkSrcLinks(src string) ([]string, error) {
	links, err := srcfs.OutsideLinks(src)
	if err != nil {
		return nil, fmt.Errorf("graph: scanning src: %w", err)
	}
	for _, l := range links {
		if base := path.Base(l); goModuleFiles[base] || goFileExts[path.Ext(base)] {
			return nil, outsideLink(l)
		}
	}
	return links, nil
}

// blameOutside returns err, or, if err (a planning failure) names one of
// links (symlinks leaving src) as a path or import path element, the
// KindOutsideSrc error naming that link instead.
func blameOutside(err error, links []string) error {
	if err == nil || len(links) == 0 {
		return err
	}
	var pe *plan.Error
	if errors.As(err, &pe) && pe.Kind == plan.KindOutsideSrc {
		return err
	}
	msg := err.Error()
	for _, l := range links {
		if mentions(msg, "/"+l) {
			return outsideLink(l)
		}
	}
	return err
}

// mentions reports whether s holds p followed by the end of a path
// element.
func mentions(s, p string) bool {
	for i := strings.Index(s, p); i >= 0; {
		end := i + len(p)
		if end == len(s) || !strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-~+", rune(s[end])) {
			return true
		}
		next := strings.Index(s[end:], p)
		if next < 0 {
			break
		}
		i = end + next
	}
	return false
}

// outsideLink is the error for link, a symlink leaving src.
func outsideLink(link string) error {
	return plan.SrcError(&srcfs.Error{Path: link, Link: link, Reason: srcfs.ErrOutside.Error(), Err: srcfs.ErrOutside})
}

// readSrcFile reads name (go.sum, say) from src if it is a regular file
// inside src; a missing file is fs.ErrNotExist, anything else a
// KindOutsideSrc error naming the path.
func readSrcFile(src, name string) ([]byte, error) {
	data, err := srcfs.ReadFile(src, name)
	if err != nil {
		return nil, plan.SrcError(err)
	}
	return data, nil
}

// srcHasFile reports whether name is a regular file inside src, refusing
// (KindOutsideSrc) one reached through a symlink leaving src or dangling.
func srcHasFile(src, name string) (bool, error) {
	_, fi, err := srcfs.Resolve(src, name)
	if errors.Is(err, fs.ErrNotExist) && !srcfs.IsOutside(err) {
		var se *srcfs.Error
		if errors.As(err, &se) && se.Link == "" {
			return false, nil
		}
	}
	if err != nil {
		return false, plan.SrcError(err)
	}
	if !fi.Mode().IsRegular() {
		return false, plan.SrcError(&srcfs.Error{Path: name, Reason: "is not a regular file", Err: fs.ErrInvalid})
	}
	return true, nil
}

// packageSource resolves a main-module package directory dir (absolute,
// as go list reports it) inside src and checks its files (relative to
// it): the directory may be reached through symlinks inside src (it is
// copied from its real path, returned relative to src), but each file
// must be a regular file below it, reached through real directories.
func packageSource(src, importPath, dir string, files []string) (string, error) {
	rel, err := filepath.Rel(src, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", &plan.Error{Kind: plan.KindOutsideSrc, Package: importPath,
			Message: fmt.Sprintf("package %s is not in src (nix-gograph reads nothing outside src)", importPath)}
	}
	real, fi, err := srcfs.Resolve(src, rel)
	if err == nil && !fi.IsDir() {
		err = &srcfs.Error{Path: filepath.ToSlash(rel), Reason: "is not a directory", Err: fs.ErrInvalid}
	}
	if err != nil {
		return "", packageError(importPath, err)
	}
	for _, f := range files {
		if err := srcfs.File(src, path.Join(real, f)); err != nil {
			return "", packageError(importPath, err)
		}
	}
	return real, nil
}

// packageError is the KindOutsideSrc error of package importPath for a
// srcfs error.
func packageError(importPath string, err error) error {
	var pe *plan.Error
	if errors.As(plan.SrcError(err), &pe) {
		pe.Package = importPath
		pe.Message = fmt.Sprintf("package %s: %s", importPath, pe.Message)
		return pe
	}
	return err
}
