// Package srcfs reads a source tree (the src of a request) without ever
// leaving it: every path is resolved component by component with Lstat,
// and a symlink is followed only while its target stays inside the tree.
// A symlink whose target leaves the tree is an error naming the link; its
// target is never opened, stat'ed or quoted.
//
// Policy for symlinks whose target stays inside the tree: Resolve follows
// them, so a package directory, go.mod or go.sum reached through one is
// read from where it really is. Callers that copy files to the store copy
// what Lstat sees: a directory is copied from its real path, but a file
// that is itself a symlink would be stored as a symlink, which the
// builder refuses, so callers reject it (File) unless they know the
// copy keeps working (a test directory, whose copy keeps the link).
package srcfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrOutside is the cause of an Error for a path whose resolution leaves src.
var ErrOutside = errors.New("leads outside src")

// ErrSymlink is the cause of an Error for a symlink inside src where File
// needs a regular file or directory.
var ErrSymlink = errors.New("is a symlink")

// ErrDangling is the cause of an Error for a path leading through a symlink
// inside src whose target does not exist.
var ErrDangling = errors.New("is dangling")

// maxLinks bounds the symlinks one resolution follows, as the kernel's
// ELOOP does.
const maxLinks = 40

// Error is a path of src that cannot be used as it is. Path is the path
// asked for and Link the symlink at fault (empty if none), both relative
// to src and slash-separated; Err is ErrOutside, ErrSymlink, ErrDangling,
// fs.ErrNotExist (nothing at Path, no symlink involved) or another cause,
// and Reason says it in words. The message never holds a link's target.
type Error struct {
	Path   string
	Link   string
	Reason string
	Err    error
}

// Error returns "Path: Reason" when no symlink is at fault, else says that
// Link is a symlink that Reason ("leads outside src"): "go.sum is a symlink
// that leads outside src", "a/x.go: a is a symlink that leads outside src".
func (e *Error) Error() string {
	switch {
	case e.Link == "":
		return fmt.Sprintf("%s: %s", e.Path, e.Reason)
	case e.Link == e.Path:
		return fmt.Sprintf("%s is a symlink that %s", e.Path, e.Reason)
	default:
		return fmt.Sprintf("%s: %s is a symlink that %s", e.Path, e.Link, e.Reason)
	}
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// IsOutside reports whether err is (or wraps) an Error whose path leaves src.
func IsOutside(err error) bool { return errors.Is(err, ErrOutside) }

// Resolve resolves name (relative to root, slash- or OS-separated) inside
// root, which must be absolute and clean. It returns the path it really
// names, relative to root and slash-separated ("." for root), and its
// Lstat information (never a symlink). A ".." above root, an absolute
// symlink target not below root, or a relative one climbing above it is
// an *Error wrapping ErrOutside; nothing beyond root is ever looked at, so
// a chain that leaves root and comes back in is refused too.
func Resolve(root, name string) (string, fs.FileInfo, error) {
	root = filepath.Clean(root)
	asked := filepath.ToSlash(filepath.Clean(filepath.FromSlash(name)))
	fail := func(link, reason string, err error) (string, fs.FileInfo, error) {
		return "", nil, &Error{Path: asked, Link: link, Reason: reason, Err: err}
	}
	if filepath.IsAbs(name) {
		return fail("", "not a path inside src", ErrOutside)
	}
	var (
		cur     []string // resolved components: real directories below root
		pending = split(name)
		first   string // the first symlink met: the culprit the user sees
		links   int
		// asked components not yet consumed: always the end of pending,
		// as link targets are put in front of them
		tail = len(pending)
	)
	for len(pending) > 0 {
		c := pending[0]
		original := len(pending) <= tail
		if original {
			tail--
		}
		pending = pending[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				if first == "" {
					return fail("", "climbs out of src", ErrOutside)
				}
				return fail(first, ErrOutside.Error(), ErrOutside)
			}
			cur = cur[:len(cur)-1]
			continue
		}
		rel := strings.Join(append(cur[:len(cur):len(cur)], c), "/")
		p := filepath.Join(root, filepath.FromSlash(rel))
		fi, err := os.Lstat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && !original {
				return fail(first, ErrDangling.Error(), ErrDangling)
			}
			return fail("", "cannot be read: "+errText(err), err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if first == "" {
				first = rel
			}
			if links++; links > maxLinks {
				return fail(first, "leads through too many symlinks", syscall.ELOOP)
			}
			target, err := os.Readlink(p)
			if err != nil {
				return fail(first, "cannot be read: "+errText(err), err)
			}
			if filepath.IsAbs(target) {
				in, err := filepath.Rel(root, filepath.Clean(target))
				if err != nil || Climbs(in) {
					return fail(first, ErrOutside.Error(), ErrOutside)
				}
				cur, target = nil, in
			}
			pending = append(split(target), pending...)
			continue
		}
		if len(pending) > 0 && !fi.IsDir() {
			return fail("", rel+" is not a directory", syscall.ENOTDIR)
		}
		cur = append(cur, c)
	}
	real := strings.Join(cur, "/")
	if real == "" {
		real = "."
	}
	fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(real)))
	if err != nil {
		return fail("", "cannot be read: "+errText(err), err)
	}
	return real, fi, nil
}

// File checks that name is a regular file inside root reached through
// real directories only: no component of it, the file included, may be a
// symlink, because a store copy keeps a symlink as one (and the builder
// copies only regular files). The error names the first symlink met and
// says whether it leaves src. Resolve a package's directory first and
// check its files below the real directory.
func File(root, name string) error {
	root = filepath.Clean(root)
	asked := filepath.ToSlash(filepath.Clean(filepath.FromSlash(name)))
	if Climbs(asked) {
		return &Error{Path: asked, Reason: "climbs out of src", Err: ErrOutside}
	}
	parts := split(asked)
	for i := range parts {
		rel := strings.Join(parts[:i+1], "/")
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel)))
		switch {
		case err != nil:
			return &Error{Path: asked, Reason: "cannot be read: " + errText(err), Err: err}
		case fi.Mode()&fs.ModeSymlink != 0:
			if _, _, err := Resolve(root, rel); IsOutside(err) {
				return &Error{Path: asked, Link: rel, Reason: ErrOutside.Error(), Err: ErrOutside}
			}
			return &Error{Path: asked, Link: rel, Err: ErrSymlink,
				Reason: "stays inside src, but a package's files are copied as they are: make it a regular file or directory"}
		case i == len(parts)-1 && !fi.Mode().IsRegular():
			return &Error{Path: asked, Reason: "is not a regular file", Err: fs.ErrInvalid}
		case i < len(parts)-1 && !fi.IsDir():
			return &Error{Path: asked, Reason: rel + " is not a directory", Err: syscall.ENOTDIR}
		}
	}
	return nil
}

// ReadFile returns the content of name if it is a regular file inside
// root (reached through symlinks inside root only). The final component
// is opened with O_NOFOLLOW, so it cannot be swapped for a symlink after
// the check, and without blocking, so a FIFO swapped in is refused, not
// waited on.
func ReadFile(root, name string) ([]byte, error) {
	real, fi, err := Resolve(root, name)
	if err != nil {
		return nil, err
	}
	asked := filepath.ToSlash(filepath.Clean(filepath.FromSlash(name)))
	if !fi.Mode().IsRegular() {
		return nil, &Error{Path: asked, Reason: "is not a regular file", Err: fs.ErrInvalid}
	}
	f, err := os.OpenFile(filepath.Join(root, filepath.FromSlash(real)), os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, &Error{Path: asked, Reason: "cannot be read: " + errText(err), Err: err}
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, &Error{Path: asked, Reason: "is not a regular file", Err: fs.ErrInvalid}
	}
	return io.ReadAll(f)
}

// split splits a slash- or OS-separated relative path into components.
// Climbs reports whether rel, a cleaned relative path (as filepath.Rel and
// filepath.Clean give it), leads outside the directory it is relative to:
// it is "..", starts with "../", or is absolute.
func Climbs(rel string) bool {
	return filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../")
}

func split(p string) []string {
	return strings.Split(filepath.ToSlash(p), "/")
}

// errText is err's description without the path an *fs.PathError repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
