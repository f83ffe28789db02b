package graph

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

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
//     blame on a symlink leaving src that the failing package's directory
//     goes through (or, failing that, that go's message names), so go's
//     message (which may quote what it read there) is not shown.
//
// Symlinks leaving src that go never reads (a `result` link, say) are
// left alone: nothing follows them.

// srcLinks are the symlinks under src that leave it (relative to src,
// slash-separated), with what blameOutside needs to recognize them in a
// planning failure: src (absolute and clean) and the main module's path
// ("" if go.mod cannot be read; planning reports why).
type srcLinks struct {
	src, modulePath string
	links           []string
}

// checkSrcLinks returns the symlinks under src that leave it, refusing
// (with a plan.KindOutsideSrc error naming the first) those go would read
// by their name.
func checkSrcLinks(src string) (srcLinks, error) {
	src = filepath.Clean(src)
	links, err := srcfs.OutsideLinks(src)
	if err != nil {
		return srcLinks{}, fmt.Errorf("graph: scanning src: %w", err)
	}
	for _, l := range links {
		if base := path.Base(l); plan.ModuleFiles[base] || plan.SourceExts[path.Ext(base)] || path.Ext(base) == ".go" {
			return srcLinks{}, outsideLink(l)
		}
	}
	o := srcLinks{src: src, links: links}
	if data, err := srcfs.ReadFile(src, "go.mod"); err == nil {
		o.modulePath = modfile.ModulePath(data)
	}
	return o, nil
}

// blameOutside returns err, or, if err (a planning failure) is about one
// of o's links, the KindOutsideSrc error naming that link instead, so
// go's message (which may quote what it read there) is not shown. The
// failing package decides: a plan.Error's Package whose directory (its
// import path below the module path, or a "./" pattern) resolves through
// the link. Else, as a fallback, err's message must name the link as go
// prints it: below src's absolute path or the module path.
func blameOutside(err error, o srcLinks) error {
	if err == nil || len(o.links) == 0 {
		return err
	}
	var pe *plan.Error
	if errors.As(err, &pe) {
		if pe.Kind == plan.KindOutsideSrc {
			return err
		}
		if l := o.packageLink(pe.Package); l != "" {
			return outsideLink(l)
		}
	}
	msg := err.Error()
	for _, l := range o.links {
		if mentions(msg, o.src+"/"+l) || (o.modulePath != "" && mentions(msg, o.modulePath+"/"+l)) {
			return outsideLink(l)
		}
	}
	return err
}

// packageLink returns the link of o through which the directory of
// package pkg (an import path or a "./" pattern) leaves src, or "" if it
// does not (or pkg is not in the main module).
func (o srcLinks) packageLink(pkg string) string {
	rel, ok := strings.CutPrefix(pkg, "./")
	if !ok && o.modulePath != "" {
		rel, ok = strings.CutPrefix(pkg, o.modulePath+"/")
	}
	if !ok || rel == "" {
		return ""
	}
	var se *srcfs.Error
	if _, _, err := srcfs.Resolve(o.src, rel); srcfs.IsOutside(err) && errors.As(err, &se) && slices.Contains(o.links, se.Link) {
		return se.Link
	}
	return ""
}

// mentions reports whether s holds the path p as a whole: neither
// preceded by a slash or a character of a path element (so the link
// "internal/util" of module "y" is not found in "github.com/x/y/internal/util"),
// nor followed by a character of a path element.
func mentions(s, p string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], p)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(p)
		if (start == 0 || (s[start-1] != '/' && !isPathElementByte(s[start-1]))) &&
			(end == len(s) || !isPathElementByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

// isPathElementByte reports whether b can be part of a path element or an
// import path element as go prints them.
func isPathElementByte(b byte) bool {
	return strings.IndexByte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-~+", b) >= 0
}

// outsideLink is the error for link, a symlink leaving src.
func outsideLink(link string) error {
	return plan.SrcError(&srcfs.Error{Path: link, Link: link, Reason: srcfs.ErrOutside.Error(), Err: srcfs.ErrOutside})
}

// readSrcFile reads name (go.sum, say) from src if it is a regular file
// inside src; a missing file is fs.ErrNotExist, anything else an error
// naming the path (plan.SrcError: KindOutsideSrc for a symlink leaving
// src).
func readSrcFile(src, name string) ([]byte, error) {
	data, err := srcfs.ReadFile(src, name)
	if err != nil {
		return nil, plan.SrcError(err)
	}
	return data, nil
}

// srcHasFile reports whether name is a regular file inside src, refusing
// (plan.SrcError) one reached through a symlink leaving src (KindOutsideSrc)
// or dangling, or that is not a regular file.
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
	if err != nil || srcfs.Climbs(rel) {
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

// packageError is the error of package importPath for a srcfs error:
// KindOutsideSrc for a path leaving src or a file that is a symlink
// (plan.SrcError), KindPackage for any other (a file that cannot be read,
// a directory where a file should be, …).
func packageError(importPath string, err error) error {
	var pe *plan.Error
	if errors.As(plan.SrcError(err), &pe) {
		if pe.Kind != plan.KindOutsideSrc {
			pe.Kind, pe.Argument = plan.KindPackage, ""
		}
		pe.Package = importPath
		pe.Message = fmt.Sprintf("package %s: %s", importPath, pe.Message)
		return pe
	}
	return err
}
