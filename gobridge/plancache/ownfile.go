package plancache

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// ReadOwnFile reads the cache file name: a regular file (not a symlink),
// at most limit bytes, owned by this process's user and writable by no one
// else, in a directory with the same owner and permissions. Anything else
// is an error: what another user could write decides nothing.
func ReadOwnFile(name string, limit int64) ([]byte, error) {
	dir, err := os.Stat(filepath.Dir(name))
	if err != nil {
		return nil, err
	}
	if err := ownedPrivately(dir); err != nil {
		return nil, fmt.Errorf("%s: directory %w", name, err)
	}
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > limit {
		return nil, fmt.Errorf("%s: not a regular file of at most %d bytes", name, limit)
	}
	if err := ownedPrivately(fi); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return io.ReadAll(io.LimitReader(f, limit))
}

// WriteOwnFile replaces the file name with data atomically: it writes a
// temporary file beside it (mode 0600) and renames it over name, so a
// reader sees the old content or the new, never part of either, and
// concurrent writers do not share the temporary file.
func WriteOwnFile(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil && cerr == nil {
		if werr = os.Rename(tmp.Name(), name); werr == nil {
			return nil
		}
	}
	os.Remove(tmp.Name())
	if werr != nil {
		return werr
	}
	return cerr
}

// ownedPrivately checks that fi is owned by this process's user and
// writable by no one else.
func ownedPrivately(fi os.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("is not owned by user %d", os.Geteuid())
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("is writable by others (%v)", fi.Mode().Perm())
	}
	return nil
}
