package graph

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/nix-gograph/nix-gograph/gobridge/srcfs"
)

// testValue is tests.<importPath> in the returned value.
type testValue struct {
	Binary *derivationValue `json:"binary"`
	Src    *storePathValue  `json:"src"`
	Dir    string           `json:"dir"`
}

// testDirFiles returns the directory of the tested package importPath (dir,
// absolute, as go list reports it), resolved inside src and relative to
// it, and the files its tests may read, relative to that directory: the
// regular files of the directory and everything under its testdata
// directory. A symlink there whose target leaves src is refused
// (KindOutsideSrc, naming it); one that stays inside src is kept as a
// symlink, as the test run's copy keeps it (it works if it points within
// the copied files).
func testDirFiles(src, importPath, dir string) (string, []string, error) {
	rel, err := filepath.Rel(src, dir)
	if err != nil {
		return "", nil, err
	}
	real, fi, err := srcfs.Resolve(src, rel)
	if err == nil && !fi.IsDir() {
		err = fmt.Errorf("graph: %s is not a directory", dir)
	}
	if err != nil {
		return "", nil, packageError(importPath, err)
	}
	root := filepath.Join(src, filepath.FromSlash(real))
	var files []string
	// keep adds the entry rel (relative to root) if it is a regular file or
	// a symlink staying inside src.
	keep := func(rel string, mode fs.FileMode) error {
		switch {
		case mode.IsRegular():
			files = append(files, rel)
		case mode&fs.ModeSymlink != 0:
			if _, _, err := srcfs.Resolve(src, path.Join(real, rel)); srcfs.IsOutside(err) {
				return packageError(importPath, err)
			}
			files = append(files, rel)
		}
		return nil
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return "", nil, err
	}
	for _, e := range entries {
		if err := keep(e.Name(), e.Type()); err != nil {
			return "", nil, err
		}
	}
	// WalkDir follows no symlink (testdata itself, if one, was kept above).
	err = filepath.WalkDir(filepath.Join(root, "testdata"), func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return filepath.SkipDir
		} else if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "testdata" {
			return err
		}
		return keep(filepath.ToSlash(rel), d.Type())
	})
	return real, files, err
}
