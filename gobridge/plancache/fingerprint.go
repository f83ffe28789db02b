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
)

// wholeFiles are the files whose every byte can change a plan: the module
// files go reads (at any depth: a nested go.mod ends the module there).
var wholeFiles = map[string]bool{"go.mod": true, "go.sum": true, "go.work": true, "go.work.sum": true,
	"modules.txt": true}

// sourceExts are the non-Go files go/build lists in a package; their build
// constraints decide whether they are part of it, so all of each counts.
var sourceExts = map[string]bool{".c": true, ".cc": true, ".cxx": true, ".cpp": true, ".m": true,
	".h": true, ".hh": true, ".hpp": true, ".hxx": true, ".f": true, ".F": true, ".for": true, ".f90": true,
	".s": true, ".S": true, ".sx": true, ".swig": true, ".swigcxx": true, ".syso": true}

// vcsDirs are the version-control directories go never reads: no import
// path, pattern or embed may name them (cmd/go refuses such embeds).
var vcsDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, ".bzr": true}

// Fingerprint is a digest of what of the directory src can decide a plan:
// every name under it (files, directories, symlinks with their targets),
// the whole content of module files, non-Go source files and _test.go
// files (test mains list their tests and examples), and of every other Go
// file its planPart. Other files count by name only: go reads nothing of
// them while planning (an embedded file's content is read by the build).
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
			if p != root && vcsDirs[d.Name()] {
				return filepath.SkipDir
			}
		case t&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			entry(h, 'l', rel, []byte(target))
		case t.IsRegular():
			content, err := planContent(p, d.Name())
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

// planContent is what of the file p (named name) counts: nil for a file
// that counts by name only.
func planContent(p, name string) ([]byte, error) {
	ext := filepath.Ext(name)
	if !wholeFiles[name] && !sourceExts[ext] && ext != ".go" {
		return nil, nil
	}
	data, err := os.ReadFile(p)
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
