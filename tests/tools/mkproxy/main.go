// Command mkproxy publishes a module version on a file:// GOPROXY with zip
// entries named exactly as given — including names a real module zip may not
// have — so tests can serve unsafe modules. It prints the go.sum lines.
//
//	mkproxy PROXYDIR MODULE VERSION ENTRY…
//
// Each ENTRY is a path inside the zip (after "MODULE@VERSION/") holding
// "package <last element of MODULE>\n"; go.mod is always added.
package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: mkproxy PROXYDIR MODULE VERSION ENTRY…")
		os.Exit(2)
	}
	if err := run(os.Args[1], module.Version{Path: os.Args[2], Version: os.Args[3]}, os.Args[4:]); err != nil {
		fmt.Fprintln(os.Stderr, "mkproxy:", err)
		os.Exit(1)
	}
}

func run(proxy string, mod module.Version, entries []string) error {
	esc, err := module.EscapePath(mod.Path)
	if err != nil {
		return err
	}
	dir := filepath.Join(proxy, filepath.FromSlash(esc), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	goMod := []byte("module " + mod.Path + "\n\ngo 1.22\n")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	prefix := mod.Path + "@" + mod.Version + "/"
	for _, name := range append([]string{"go.mod"}, entries...) {
		w, err := zw.Create(prefix + name)
		if err != nil {
			return err
		}
		content := goMod
		if name != "go.mod" {
			content = []byte("package " + path.Base(mod.Path) + "\n")
		}
		w.Write(content)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	zipFile := filepath.Join(dir, mod.Version+".zip")
	files := map[string][]byte{mod.Version + ".zip": buf.Bytes(), mod.Version + ".mod": goMod,
		mod.Version + ".info": []byte(`{"Version":"` + mod.Version + `"}`)}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	zipSum, err := dirhash.HashZip(zipFile, dirhash.Hash1)
	if err != nil {
		return err
	}
	modSum, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(goMod)), nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("%s %s %s\n%s %s/go.mod %s\n", mod.Path, mod.Version, zipSum, mod.Path, mod.Version, modSum)
	return nil
}
