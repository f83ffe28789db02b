package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// entry is one member of a test package's data.tar.
type entry struct {
	name, body, link string
	typ              byte
	mode             int64
}

// makeDeb writes a .deb whose data member is named dataName and holds
// entries, compressed as dataName's extension says.
func makeDeb(t *testing.T, dataName string, entries []entry) string {
	t.Helper()
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.link, Size: int64(len(e.body))}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	var data bytes.Buffer
	var w io.WriteCloser
	switch filepath.Ext(dataName) {
	case ".xz":
		xw, err := xz.NewWriter(&data)
		if err != nil {
			t.Fatal(err)
		}
		w = xw
	case ".gz":
		w = gzip.NewWriter(&data)
	default:
		data = tarBuf
	}
	if w != nil {
		if _, err := w.Write(tarBuf.Bytes()); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}

	var deb bytes.Buffer
	deb.WriteString("!<arch>\n")
	member := func(name string, body []byte) {
		fmt.Fprintf(&deb, "%-16s%-12s%-6s%-6s%-8s%-10d`\n", name, "0", "0", "0", "100644", len(body))
		deb.Write(body)
		if len(body)%2 == 1 {
			deb.WriteByte('\n')
		}
	}
	member("debian-binary", []byte("2.0\n"))
	member("control.tar.xz", []byte("odd"))
	member(dataName, data.Bytes())
	path := filepath.Join(t.TempDir(), "test.deb")
	if err := os.WriteFile(path, deb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var busyboxLike = []entry{
	{name: "./", typ: tar.TypeDir, mode: 0o755},
	{name: "./bin/", typ: tar.TypeDir, mode: 0o755},
	{name: "./bin/busybox", typ: tar.TypeReg, mode: 0o755, body: "#!busybox"},
	{name: "./usr/share/doc/busybox/copyright", typ: tar.TypeReg, mode: 0o644, body: "GPL"},
	{name: "./bin/sh", typ: tar.TypeSymlink, link: "busybox"},
	{name: "./bin/ash", typ: tar.TypeLink, link: "./bin/busybox"},
}

func TestExtract(t *testing.T) {
	for _, data := range []string{"data.tar.xz", "data.tar.gz", "data.tar"} {
		t.Run(data, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if err := extract(makeDeb(t, data, busyboxLike), out); err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct {
				name, body string
				exec       bool
			}{
				{"bin/busybox", "#!busybox", true},
				{"bin/ash", "#!busybox", true},
				{"bin/sh", "#!busybox", true},
				{"usr/share/doc/busybox/copyright", "GPL", false},
			} {
				path := filepath.Join(out, f.name)
				body, err := os.ReadFile(path)
				if err != nil || string(body) != f.body {
					t.Errorf("%s: got %q, %v; want %q", f.name, body, err, f.body)
					continue
				}
				info, _ := os.Stat(path)
				if exec := info.Mode()&0o100 != 0; exec != f.exec {
					t.Errorf("%s: executable = %v, want %v", f.name, exec, f.exec)
				}
			}
			if link, err := os.Readlink(filepath.Join(out, "bin/sh")); err != nil || link != "busybox" {
				t.Errorf("bin/sh: link to %q, %v; want busybox", link, err)
			}
		})
	}
}

func TestExtractRefuses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []entry
		want    string
	}{
		{"parent", []entry{{name: "../escaped", typ: tar.TypeReg, mode: 0o644, body: "x"}}, "escaped"},
		{"absolute link target", []entry{
			{name: "./up", typ: tar.TypeSymlink, link: "/"},
			{name: "./up/escaped", typ: tar.TypeReg, mode: 0o644, body: "x"},
		}, "up/escaped"},
		{"hard link outside", []entry{{name: "./passwd", typ: tar.TypeLink, link: "../../etc/passwd"}}, "passwd"},
		{"device", []entry{{name: "./null", typ: tar.TypeChar, mode: 0o666}}, "unsupported entry type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "a", "out")
			err := extract(makeDeb(t, "data.tar.gz", tc.entries), out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one naming %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "a", "escaped")); err == nil {
				t.Fatal("a file was written outside the output directory")
			}
		})
	}
}

func TestNotADeb(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.deb")
	if err := os.WriteFile(path, []byte("PK\x03\x04 not an ar archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := extract(path, t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a Debian package") {
		t.Fatalf("got %v, want a not-a-Debian-package error", err)
	}
	noData := makeDeb(t, "other.tar", nil)
	if err := extract(noData, t.TempDir()); err == nil || !strings.Contains(err.Error(), "no data.tar member") {
		t.Fatalf("got %v, want a no-data.tar error", err)
	}
}
