package sandbox

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

func TestExplain(t *testing.T) {
	enabled := &Spec{Enabled: true, Helper: "/h/gograph-sandbox", Root: "/r"}
	// A real exit status 127, as the helper's.
	exit127 := exec.Command("/bin/busybox", "sh", "-c", "exit 127").Run()
	exit1 := exec.Command("/bin/busybox", "false").Run()
	forkErr := func(no syscall.Errno) error {
		return &os.PathError{Op: "fork/exec", Path: "/h/gograph-sandbox", Err: no}
	}
	tests := []struct {
		name   string
		spec   *Spec
		err    error
		stderr string
		want   string // "" for no sandbox error
	}{
		{"no user namespaces (EPERM)", enabled, forkErr(syscall.EPERM), "",
			"planning runs go in a sandbox made with Linux user namespaces, which this system refuses (fork/exec /h/gograph-sandbox: operation not permitted); set the Nix option `gograph-sandbox = false`"},
		{"no user namespaces (ENOSPC)", enabled, forkErr(syscall.ENOSPC), "", "which this system refuses"},
		{"no user namespaces (EUSERS)", enabled, forkErr(syscall.EUSERS), "", "which this system refuses"},
		{"no user namespaces (EINVAL)", enabled, forkErr(syscall.EINVAL), "", "which this system refuses"},
		{"no helper", enabled, forkErr(syscall.ENOENT), "", "cannot start the planning sandbox (helper /h/gograph-sandbox) to run /p/go"},
		{"exec failure", enabled, exit127, "gograph-sandbox: exec /p/go: it is a script whose interpreter /bin/sh is not in the sandbox\n",
			"/p/go cannot run in the planning sandbox, which holds only the closure of go and cc, src and the modules: exec /p/go: it is a script whose interpreter /bin/sh"},
		{"set-up failure", enabled, exit127, "gograph-sandbox: bind /x: no such file or directory\n",
			"cannot set up the planning sandbox to run /p/go: bind /x: no such file or directory; set the Nix option"},
		{"the program's own 127", enabled, exit127, "sh: foo: not found\n", ""},
		{"the program's own failure", enabled, exit1, "gograph-sandbox: mimicry\n", ""},
		{"two lines are the program's", enabled, exit127, "gograph-sandbox: a\ngograph-sandbox: b\n", ""},
		{"unsandboxed", &Spec{}, forkErr(syscall.EPERM), "", ""},
		{"nil spec", nil, forkErr(syscall.EPERM), "", ""},
		{"success", enabled, nil, "", ""},
		{"a spec error", enabled, errors.Join(&Error{Program: "/p/go", Message: "bad spec"}), "", "bad spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Explain("/p/go", tt.err, []byte(tt.stderr))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want no sandbox error", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCommandChecksSpec(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"no helper", Spec{Enabled: true, Root: "/r"}, "gograph-sandbox was not found next to the plugin"},
		{"relative root", Spec{Enabled: true, Helper: "/h", Root: "r"}, "must be absolute paths"},
		{"root inside the writable directory", Spec{Enabled: true, Helper: "/h", Root: "/w/root", Writable: []string{"/w"}},
			"the root directory /w/root is inside the writable /w"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Command(context.Background(), "/", nil, "/p/go").Run()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
			if se := tt.spec.Explain("/p/go", err, nil); se == nil || se.Error() != err.Error() {
				t.Errorf("Explain: got %v", se)
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
