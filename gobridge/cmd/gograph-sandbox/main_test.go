package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestUnescapeMountPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/nix/store/x", "/nix/store/x"},
		{`/tmp/a\040b`, "/tmp/a b"},
		{`/tmp/tab\011and\134`, "/tmp/tab\tand\\"},
		{`/tmp/short\04`, `/tmp/short\04`},
		{`/tmp/not\999octal`, `/tmp/not\999octal`},
	}
	for _, tt := range tests {
		if got := unescapeMountPath(tt.in); got != tt.want {
			t.Errorf("unescapeMountPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCloseOnExec: both ways of marking descriptors close-on-exec mark a
// descriptor opened without O_CLOEXEC, and none below the first.
func TestCloseOnExec(t *testing.T) {
	for name, mark := range map[string]func(int) error{"close_range": closeOnExecFrom, "/proc/self/fd": closeOnExecListed} {
		t.Run(name, func(t *testing.T) {
			fd, err := syscall.Open("/dev/null", syscall.O_RDONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer syscall.Close(fd)
			before, err := fdFlags(2)
			if err != nil {
				t.Fatal(err)
			}
			if err := mark(fd); err != nil {
				t.Fatal(err)
			}
			if flags, err := fdFlags(fd); err != nil || flags&syscall.FD_CLOEXEC == 0 {
				t.Errorf("fd %d: flags %#x, %v; want FD_CLOEXEC", fd, flags, err)
			}
			if after, err := fdFlags(2); err != nil || after != before {
				t.Errorf("stderr's flags changed from %#x to %#x (%v)", before, after, err)
			}
		})
	}
}

func fdFlags(fd int) (uintptr, error) {
	flags, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
	if e != 0 {
		return 0, e
	}
	return flags, nil
}

func TestExplainExec(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		program string
		err     error
		want    string
	}{
		{write("script", "#!/bin/sh -e\necho\n"), syscall.ENOENT, "it is a script whose interpreter /bin/sh is not in the sandbox"},
		{write("elf", "\x7fELF\x02\x01\x01"), syscall.ENOENT, "its ELF interpreter (dynamic loader) or a library it needs is not in the sandbox"},
		{write("other", "data"), syscall.ENOENT, "no such file or directory"},
		{filepath.Join(dir, "missing"), syscall.ENOENT, "no such file or directory"},
		{write("denied", "#!/bin/sh\n"), syscall.EACCES, "permission denied"},
	}
	for _, tt := range tests {
		if got := explainExec(tt.program, tt.err); !strings.Contains(got.Error(), tt.want) {
			t.Errorf("%s: got %q, want %q", filepath.Base(tt.program), got, tt.want)
		}
	}
}
