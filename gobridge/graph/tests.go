package graph

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nix-gograph/nix-gograph/gobridge/nixstore"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// testValue is tests.<importPath> in the returned value.
type testValue struct {
	Binary *derivationValue `json:"binary"`
	Src    *storePathValue  `json:"src"`
	Dir    string           `json:"dir"`
}

// synthesizeTests adds the sources and derivations of the planned test
// binaries to res and drvs and describes them. Packages recompiled for a
// test get source store paths of their own (with the _test.go files); each
// tested package's directory (its files and testdata/) is a store path the
// test runs in.
func synthesizeTests(req *Request, tests *plan.Tests, res *Result, drvs *drvSet,
	archives map[string]*Derivation, srcPaths map[string]string) (map[string]*testValue, error) {
	values := map[string]*testValue{}
	if tests == nil {
		return values, nil
	}
	addSource := func(name, root string, files []string) (string, error) {
		path, err := nixstore.SourcePath(name, root, files)
		if err != nil {
			return "", err
		}
		res.Sources = append(res.Sources, Source{Name: name, Root: root, Files: files, Path: path})
		return path, nil
	}
	for _, p := range tests.Packages {
		if p.ForTest == "" || p.Module == nil || !p.Module.Main {
			continue
		}
		path, err := addSource(nixstore.SanitizeName(p.ImportPath)+"-src", p.Dir, p.SourceFiles())
		if err != nil {
			return nil, err
		}
		srcPaths[p.ImportPath] = path
	}
	links := map[string]*Derivation{}
	for _, u := range tests.Units {
		drv, err := unitDerivation(drvs, req, u, archives, srcPaths[u.ImportPath])
		if err != nil {
			return nil, err
		}
		if u.Mode == "compile" {
			archives[u.ImportPath] = drv
		} else {
			links[u.ImportPath] = drv
		}
	}
	for _, b := range tests.Binaries {
		files, err := testDirFiles(b.Dir)
		if err != nil {
			return nil, err
		}
		src, err := addSource(nixstore.SanitizeName(b.ImportPath)+"-testdir", b.Dir, files)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(req.Src, b.Dir)
		if err != nil {
			return nil, err
		}
		values[b.ImportPath] = &testValue{Binary: &derivationValue{links[b.Main].DrvPath},
			Src: &storePathValue{src}, Dir: filepath.ToSlash(rel)}
	}
	return values, nil
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
