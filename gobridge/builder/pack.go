package builder

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// pack appends objects to the Go archive archive, byte for byte as cmd/go's
// in-process packer (packInternal in cmd/go/internal/work/gc.go) does, so
// the linked binary is identical to go build's.
func pack(archive string, objects []string) error {
	dst, err := os.OpenFile(archive, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("pack: %w", err)
	}
	defer dst.Close()
	w := bufio.NewWriter(dst)
	for _, obj := range objects {
		if err := appendObject(w, obj); err != nil {
			return fmt.Errorf("pack: %s: %w", obj, err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("pack: %w", err)
	}
	return dst.Close()
}

func appendObject(w *bufio.Writer, obj string) error {
	src, err := os.Open(obj)
	if err != nil {
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	name := filepath.Base(obj)
	if len(name) > 16 {
		name = name[:16]
	} else {
		name += strings.Repeat(" ", 16-len(name))
	}
	size := fi.Size()
	fmt.Fprintf(w, "%s%-12d%-6d%-6d%-8o%-10d`\n", name, 0, 0, 0, 0644, size)
	n, err := io.Copy(w, src)
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("size changed while packing")
	}
	if size&1 != 0 {
		return w.WriteByte(0)
	}
	return nil
}
