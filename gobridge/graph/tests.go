package graph

import (
	"io/fs"
	"os"
	"path/filepath"
)

// testValue is tests.<importPath> in the returned value.
type testValue struct {
	Binary *derivationValue `json:"binary"`
	Src    *storePathValue  `json:"src"`
	Dir    string           `json:"dir"`
}

// testDirFiles are the files a package's tests may read: the regular files
// of its directory and everything under its testdata directory.
func testDirFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			files = append(files, e.Name())
		}
	}
	err = filepath.WalkDir(filepath.Join(dir, "testdata"), func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return filepath.SkipDir
		} else if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	return files, err
}
