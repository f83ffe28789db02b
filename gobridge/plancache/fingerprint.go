// Package plancache remembers plans: a plan is a function of the request,
// the module files (go.mod, go.sum, vendor/modules.txt) and the parts of
// src's files that go list and go build -n read, so an evaluation whose
// fingerprint of those is one planned before reuses that plan and runs no
// go command (Cache). Fingerprint decides what counts; the random-edit test
// (graph/plancache_test.go) checks that a reused plan is the one a fresh
// planning would make.
package plancache

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nix-gograph/nix-gograph/gobridge/plan"
	"github.com/nix-gograph/nix-gograph/gobridge/srcfs"
)

// Fingerprint is a digest of what of the directory src can decide a plan:
// every name under it (files, directories, symlinks with their targets),
// the whole content of module files, non-Go source files and _test.go
// files (test mains list their tests and examples), and of every other Go
// file its planPart; a symlink to a file inside src counts that file as
// its own name would. Other files count by name only: go reads nothing of
// them while planning (an embedded file's content is read by the build).
// A symlink leaving src counts as one, whatever its target: no plan that
// succeeds reads through it (graph/srcguard.go refuses those go would
// read), and a build's result link changes its target on every build.
func Fingerprint(src string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	// src itself may be a symlink (a Nix path value is not resolved): go
	// plans what it leads to, so that is walked.
	root, err := filepath.EvalSymlinks(src)
	if err != nil {
		return sum, fmt.Errorf("plancache: %w", err)
	}
	h := sha256.New()
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		switch t := d.Type(); {
		case d.IsDir():
			entry(h, 'd', rel, nil)
		case t&fs.ModeSymlink != 0:
			kind, content, err := linkContent(root, rel, d.Name())
			if err != nil {
				return err
			}
			entry(h, kind, rel, content)
		case t.IsRegular():
			content, err := planContent(root, rel, d.Name())
			if err != nil {
				return err
			}
			entry(h, 'f', rel, content)
		default:
			entry(h, 'o', rel, []byte(t.String()))
		}
		return nil
	})
	if err != nil {
		return sum, fmt.Errorf("plancache: %w", err)
	}
	h.Sum(sum[:0])
	return sum, nil
}

// linkContent is what of the symlink rel (named name) under root counts:
// for one leaving root nothing but that (kind 'L'); else its target and,
// if it leads to a regular file, that file's planContent under the link's
// name (a directory it leads to is walked where it is).
func linkContent(root, rel, name string) (kind byte, content []byte, err error) {
	target, err := os.Readlink(filepath.Join(root, rel))
	if err != nil {
		return 0, nil, err
	}
	_, fi, err := srcfs.Resolve(root, rel)
	switch {
	case srcfs.IsOutside(err):
		return 'L', nil, nil
	case err != nil || !fi.Mode().IsRegular():
		return 'l', []byte(target), nil // dangling, or a directory
	}
	content, err = planContent(root, rel, name)
	return 'l', append(append([]byte(target), 0), content...), err
}

// planContent is what of the regular file rel (named name) under root
// counts: nil for a file that counts by name only.
func planContent(root, rel, name string) ([]byte, error) {
	ext := filepath.Ext(name)
	if !plan.ModuleFiles[name] && !plan.SourceExts[ext] && ext != ".go" {
		return nil, nil
	}
	data, err := srcfs.ReadFile(root, rel)
	if err != nil || ext != ".go" || strings.HasSuffix(name, "_test.go") {
		return data, err
	}
	return planPart(data), nil
}

// entry writes one length-prefixed entry to h, so that no two trees give
// the same byte stream.
func entry(h hash.Hash, kind byte, rel string, content []byte) {
	var n [8]byte
	h.Write([]byte{kind})
	binary.BigEndian.PutUint64(n[:], uint64(len(rel)))
	h.Write(n[:])
	h.Write([]byte(rel))
	binary.BigEndian.PutUint64(n[:], uint64(len(content)))
	h.Write(n[:])
	h.Write(content)
}
