package main

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/nix-gograph/nix-gograph/gobridge/sandbox"
)

// The new root is built as bubblewrap builds it: a tmpfs on inv.Root
// becomes the root, with the old one at /oldroot, so every path is still
// reachable; the sandbox's root, a second tmpfs at /newroot, gets the
// bind mounts (from /oldroot/<path> to /newroot/<path>), then the old root
// is detached and /newroot becomes /.
const (
	oldRoot = "/oldroot"
	newRoot = "/newroot"
)

// devices are bound from the host's /dev.
var devices = []string{"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"}

// setUpRoot makes the sandbox's file system the root; on failure it says
// which step failed.
func setUpRoot(inv *sandbox.Invocation) (string, error) {
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return "make / private", err
	}
	if err := syscall.Mount("tmpfs", inv.Root, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755"); err != nil {
		return "mount tmpfs on " + inv.Root, err
	}
	if err := syscall.Chdir(inv.Root); err != nil {
		return "chdir " + inv.Root, err
	}
	for _, d := range []string{"." + oldRoot, "." + newRoot} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return "mkdir", err
		}
	}
	if err := syscall.PivotRoot(".", "."+oldRoot); err != nil {
		return "pivot_root", err
	}
	if err := syscall.Chdir("/"); err != nil {
		return "chdir /", err
	}
	if err := syscall.Mount("tmpfs", newRoot, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755"); err != nil {
		return "mount tmpfs on " + newRoot, err
	}
	type bind struct {
		path     string
		readOnly bool
	}
	var binds []bind
	for _, p := range inv.ReadOnly {
		binds = append(binds, bind{p, true})
	}
	for _, p := range append(slices.Clone(inv.Writable), devices...) {
		binds = append(binds, bind{p, false})
	}
	// Parents first: a path inside another is bound over it.
	slices.SortStableFunc(binds, func(a, b bind) int { return strings.Compare(a.path, b.path) })
	for _, b := range binds {
		if !filepath.IsAbs(b.path) {
			return "bind " + b.path, syscall.EINVAL
		}
		if err := bindPath(filepath.Clean(b.path), b.readOnly); err != nil {
			return "bind " + b.path, err
		}
	}
	if err := os.MkdirAll(newRoot+"/proc", 0o755); err != nil {
		return "mkdir /proc", err
	}
	if err := syscall.Mount("proc", newRoot+"/proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return "mount /proc", err
	}
	if err := syscall.Unmount(oldRoot, syscall.MNT_DETACH); err != nil {
		return "detach the old root", err
	}
	// pivot_root(".", ".") stacks the old root on the new one; detaching
	// it leaves the new one (pivot_root(2)).
	if err := syscall.Chdir(newRoot); err != nil {
		return "chdir " + newRoot, err
	}
	if err := syscall.PivotRoot(".", "."); err != nil {
		return "pivot_root", err
	}
	if err := syscall.Unmount(".", syscall.MNT_DETACH); err != nil {
		return "detach the set-up root", err
	}
	if err := syscall.Chdir("/"); err != nil {
		return "chdir /", err
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, ""); err != nil {
		return "make / read-only", err
	}
	return "", nil
}

// bindPath makes the host's path visible at the same path in the new root:
// a symlink as the same symlink, a file or directory as a bind mount,
// read-only if asked.
func bindPath(path string, readOnly bool) error {
	src, dst := oldRoot+path, newRoot+path
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	case fi.IsDir():
		if err := os.Mkdir(dst, 0o755); err != nil && !os.IsExist(err) {
			return err
		}
	default:
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		f.Close()
	}
	if err := syscall.Mount(src, dst, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return err
	}
	if !readOnly {
		return nil
	}
	mounts, err := mountsUnder(dst)
	if err != nil {
		return err
	}
	for _, m := range mounts {
		if err := remountReadOnly(m); err != nil {
			return err
		}
	}
	return nil
}

// remountReadOnly makes the mount at path read-only. In a user namespace
// the flags of a mount made outside it are locked (nosuid, nodev, noexec,
// the atime flags): a remount must repeat them, as bubblewrap does.
func remountReadOnly(path string) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return err
	}
	flags := uintptr(syscall.MS_REMOUNT | syscall.MS_BIND | syscall.MS_RDONLY)
	for _, f := range lockedFlags {
		if uintptr(st.Flags)&f.statfs != 0 {
			flags |= f.mount
		}
	}
	return syscall.Mount("", path, "", flags, "")
}

// lockedFlags maps statfs's ST_* flags to mount's MS_* flags.
var lockedFlags = []struct{ statfs, mount uintptr }{
	{0x2, syscall.MS_NOSUID},       // ST_NOSUID
	{0x4, syscall.MS_NODEV},        // ST_NODEV
	{0x8, syscall.MS_NOEXEC},       // ST_NOEXEC
	{0x400, syscall.MS_NOATIME},    // ST_NOATIME
	{0x800, syscall.MS_NODIRATIME}, // ST_NODIRATIME
	{0x1000, syscall.MS_RELATIME},  // ST_RELATIME
}

// mountsUnder lists the mount points at dir and below it, from
// /proc/self/mountinfo (the bind mount of a directory brings the mounts
// under it along).
func mountsUnder(dir string) ([]string, error) {
	f, err := os.Open(oldRoot + "/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountPath(fields[4])
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			out = append(out, mp)
		}
	}
	return out, sc.Err()
}

// unescapeMountPath undoes mountinfo's octal escapes (\040 for a space).
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
