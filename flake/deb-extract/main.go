// Command deb-extract unpacks the files of a Debian binary package into a
// directory, as `dpkg-deb -x` does. The flake's checks use it to take a
// static busybox out of Debian's archive in a Nix build that has no shell
// yet: Nix's builtin unpackers read tar and zip but not a .deb.
//
// Usage:
//
//	deb-extract PACKAGE.deb DIR
//
// A .deb is an ar archive; its data.tar member (xz- or gzip-compressed, or
// plain) holds the package's files. Directories, regular files (with their
// permission bits), symbolic links and hard links are created under DIR;
// owners and times are dropped, since the Nix store keeps neither. Every
// file is created through an os.Root, so no entry (a "../" path, or one
// beneath a symbolic link) can write outside DIR.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/ulikunitz/xz"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: deb-extract PACKAGE.deb DIR")
		os.Exit(2)
	}
	if err := extract(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "deb-extract:", err)
		os.Exit(1)
	}
}

func extract(deb, dir string) error {
	f, err := os.Open(deb)
	if err != nil {
		return err
	}
	defer f.Close()
	name, data, err := dataMember(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("%s: %w", deb, err)
	}
	var files io.Reader
	switch path.Ext(name) {
	case ".xz":
		if files, err = xz.NewReader(data); err != nil {
			return fmt.Errorf("%s: %s: %w", deb, name, err)
		}
	case ".gz":
		if files, err = gzip.NewReader(data); err != nil {
			return fmt.Errorf("%s: %s: %w", deb, name, err)
		}
	case ".tar":
		files = data
	default:
		return fmt.Errorf("%s: %s: unsupported compression", deb, name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := untar(tar.NewReader(files), root); err != nil {
		return fmt.Errorf("%s: %s: %w", deb, name, err)
	}
	return nil
}

// dataMember finds the data.tar member of the ar archive r and returns its
// name and a reader of its content. The format: the magic "!<arch>\n",
// then per member a 60-byte header (name 16, date 12, uid 6, gid 6,
// mode 8, size 10, "`\n"), the content, and a pad byte after odd sizes.
func dataMember(r io.Reader) (string, io.Reader, error) {
	magic := make([]byte, 8)
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != "!<arch>\n" {
		return "", nil, errors.New("not a Debian package (no ar header)")
	}
	header := make([]byte, 60)
	for {
		if _, err := io.ReadFull(r, header); err != nil {
			if errors.Is(err, io.EOF) {
				return "", nil, errors.New("no data.tar member")
			}
			return "", nil, err
		}
		if !bytes.HasSuffix(header, []byte("`\n")) {
			return "", nil, errors.New("corrupt ar member header")
		}
		name := strings.TrimSuffix(strings.TrimRight(string(header[:16]), " "), "/")
		size, err := strconv.ParseInt(strings.TrimRight(string(header[48:58]), " "), 10, 64)
		if err != nil || size < 0 {
			return "", nil, fmt.Errorf("ar member %q: bad size", name)
		}
		if strings.HasPrefix(name, "data.tar") {
			return name, io.LimitReader(r, size), nil
		}
		if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
			return "", nil, fmt.Errorf("ar member %q: %w", name, err)
		}
	}
}

// untar creates the entries of t under root.
func untar(t *tar.Reader, root *os.Root) error {
	for {
		h, err := t.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(h.Name)
		if name == "." || name == "/" {
			continue
		}
		perm := h.FileInfo().Mode().Perm()
		switch h.Typeflag {
		case tar.TypeDir:
			err = root.MkdirAll(name, 0o755)
		case tar.TypeReg:
			err = writeFile(root, name, perm, t)
		case tar.TypeSymlink:
			err = mkParent(root, name, func() error { return root.Symlink(h.Linkname, name) })
		case tar.TypeLink:
			err = mkParent(root, name, func() error { return root.Link(path.Clean(h.Linkname), name) })
		default:
			err = fmt.Errorf("unsupported entry type %q", h.Typeflag)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", h.Name, err)
		}
	}
}

func writeFile(root *os.Root, name string, perm os.FileMode, content io.Reader) error {
	return mkParent(root, name, func() error {
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, content); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}

// mkParent creates the directory holding name (archives may leave out
// directory entries), then runs create.
func mkParent(root *os.Root, name string, create func() error) error {
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return create()
}
