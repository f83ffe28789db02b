package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestStartError(t *testing.T) {
	enabled := &Spec{Enabled: true, Helper: "/h/gograph-sandbox", Root: "/r"}
	forkErr := func(no syscall.Errno) error {
		return &os.PathError{Op: "fork/exec", Path: "/h/gograph-sandbox", Err: no}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no user namespaces (EPERM)", forkErr(syscall.EPERM),
			"planning runs go in a sandbox made with Linux user namespaces, which this system refuses (fork/exec /h/gograph-sandbox: operation not permitted); set the Nix option `gograph-sandbox = false`"},
		{"no user namespaces (ENOSPC)", forkErr(syscall.ENOSPC), "which this system refuses"},
		{"no user namespaces (EUSERS)", forkErr(syscall.EUSERS), "which this system refuses"},
		{"no user namespaces (EINVAL)", forkErr(syscall.EINVAL), "which this system refuses"},
		{"no helper", forkErr(syscall.ENOENT), "cannot start the planning sandbox (helper /h/gograph-sandbox) to run /p/go"},
		{"a spec error", errors.Join(&Error{Program: "/p/go", Message: "bad spec"}), "bad spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := enabled.startError("/p/go", tt.err); !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestSetupError(t *testing.T) {
	tests := []struct{ report, want string }{
		{"exec /p/go: it is a script whose interpreter /bin/sh is not in the sandbox\n",
			"/p/go cannot run in the planning sandbox, which holds only the closure of go and cc, src and the modules: exec /p/go: it is a script whose interpreter /bin/sh is not in the sandbox"},
		{"bind /x: no such file or directory\n",
			"cannot set up the planning sandbox to run /p/go: bind /x: no such file or directory; set the Nix option"},
	}
	for _, tt := range tests {
		if err := setupError("/p/go", tt.report); !strings.Contains(err.Error(), tt.want) || strings.HasSuffix(err.Error(), "\n") {
			t.Errorf("%q: got %q, want one containing %q", tt.report, err, tt.want)
		}
	}
}

func TestCommandChecksSpec(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "not-executable")
	if err := os.WriteFile(notExec, []byte("\x7fELF"), 0o644); err != nil {
		t.Fatal(err)
	}
	const incomplete = "the nix-gograph plugin's installation is incomplete (gograph-sandbox must be an executable file next to libnix-gograph.so)"
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"no helper", Spec{Enabled: true, Root: "/r"}, "no gograph-sandbox helper was given"},
		{"relative root", Spec{Enabled: true, Helper: "/h", Root: "r"}, "must be absolute paths"},
		{"root inside the writable directory", Spec{Enabled: true, Helper: "/h", Root: "/w/root", Writable: []string{"/w"}},
			"the root directory /w/root is inside the writable /w"},
		{"a missing helper", Spec{Enabled: true, Helper: filepath.Join(dir, "gograph-sandbox"), Root: "/r"},
			"the planning sandbox's helper " + filepath.Join(dir, "gograph-sandbox") + " cannot be run (stat " +
				filepath.Join(dir, "gograph-sandbox") + ": no such file or directory): " + incomplete},
		{"a directory as the helper", Spec{Enabled: true, Helper: dir, Root: "/r"}, "is not an executable file (mode d"},
		{"a helper that is not executable", Spec{Enabled: true, Helper: notExec, Root: "/r"},
			notExec + " is not an executable file (mode -rw-r--r--)): " + incomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Command(context.Background(), "/", nil, "/p/go").Run()
			var se *Error
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an *Error containing %q", err, tt.want)
			}
		})
	}
}

func TestOutermost(t *testing.T) {
	got := outermost([]string{"/a/c", "/a-b", "/a", "/b/", "/b", "/nix/store/x/y", "/nix/store/x"})
	want := []string{"/a", "/a-b", "/b", "/nix/store/x"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q", got, want)
	}
}
