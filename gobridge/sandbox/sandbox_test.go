package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nix-gograph/nix-gograph/gobridge/sandbox"
	"github.com/nix-gograph/nix-gograph/gobridge/sandbox/sandboxtest"
)

// busybox is the host's static busybox, the only program the tests run
// (bound read-only into the sandbox).
const busybox = "/bin/busybox"

// newSpec is a sandbox holding busybox read-only and a writable directory.
func newSpec(t *testing.T, helper string) (*sandbox.Spec, string) {
	t.Helper()
	if _, err := os.Stat(busybox); err != nil {
		t.Skipf("needs a static %s: %v", busybox, err)
	}
	base := t.TempDir()
	root, work := filepath.Join(base, "root"), filepath.Join(base, "work")
	for _, d := range []string{root, work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &sandbox.Spec{Enabled: true, Helper: helper, Root: root,
		ReadOnly: []string{busybox}, Writable: []string{work}}, work
}

// run runs busybox with args in spec and returns its stdout, stderr and error.
func run(t *testing.T, spec *sandbox.Spec, env []string, args ...string) (string, string, error) {
	t.Helper()
	dir := "/"
	if len(spec.Writable) > 0 {
		dir = spec.Writable[0]
	}
	cmd := spec.Command(context.Background(), dir, env, busybox, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if serr := (*sandbox.Error)(nil); errors.As(err, &serr) {
		if strings.Contains(serr.Error(), "user namespaces") {
			t.Skip(serr)
		}
		t.Fatalf("the sandbox failed: %v", serr)
	}
	return out.String(), errb.String(), err
}

func TestSandbox(t *testing.T) {
	helper := sandboxtest.Helper(t)
	home, _ := os.UserHomeDir()
	env := []string{"PATH=/nonexistent", "ONLY=this", "HOME=/nonexistent"}
	tests := []struct {
		name string
		// script runs under busybox sh in the writable directory.
		script string
		// ok reports whether the script's output is right.
		ok func(out string, runErr error) bool
	}{
		{"/etc/passwd is invisible", "/bin/busybox cat /etc/passwd; echo rc=$?",
			func(out string, _ error) bool {
				return strings.HasSuffix(out, "rc=1\n") && !strings.Contains(out, "root:")
			}},
		{"$HOME is invisible", "/bin/busybox ls -d " + home + " || echo absent",
			func(out string, _ error) bool { return out == "absent\n" }},
		{"writing outside the writable directory fails",
			"for f in /x /tmp/x /bin/x " + filepath.Dir(busybox) + "/busybox; do echo > $f || echo refused $f; done",
			func(out string, _ error) bool { return strings.Count(out, "refused") == 4 }},
		{"writing inside the writable directory works", "echo written > ./file && /bin/busybox cat ./file",
			func(out string, _ error) bool { return out == "written\n" }},
		{"no network: only a down lo", "/bin/busybox ip -o link",
			func(out string, _ error) bool {
				return strings.Count(out, "\n") == 1 && strings.Contains(out, ": lo: <LOOPBACK>") && !strings.Contains(out, "UP")
			}},
		{"connecting fails", "/bin/busybox nc -w 2 1.1.1.1 80 </dev/null || echo unreachable",
			func(out string, _ error) bool { return strings.HasSuffix(out, "unreachable\n") }},
		{"the program is pid 1", "echo $$",
			func(out string, _ error) bool { return out == "1\n" }},
		{"no capabilities", "/bin/busybox grep -E '^(Cap|NoNewPrivs)' /proc/self/status",
			func(out string, _ error) bool {
				return strings.Contains(out, "CapEff:\t0000000000000000") && strings.Contains(out, "CapPrm:\t0000000000000000") &&
					strings.Contains(out, "CapBnd:\t0000000000000000") && strings.Contains(out, "CapAmb:\t0000000000000000") &&
					strings.Contains(out, "NoNewPrivs:\t1")
			}},
		{"the host name is the sandbox's", "/bin/busybox hostname",
			func(out string, _ error) bool { return out == sandbox.Hostname+"\n" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, _ := newSpec(t, helper)
			out, stderr, err := run(t, spec, env, "sh", "-c", tt.script)
			if !tt.ok(out, err) {
				t.Errorf("script %q: got stdout %q, stderr %q, err %v", tt.script, out, stderr, err)
			}
		})
	}
	t.Run("the environment is exactly the one given", func(t *testing.T) {
		spec, _ := newSpec(t, helper)
		out, _, err := run(t, spec, env, "env")
		if want := strings.Join(env, "\n") + "\n"; err != nil || out != want {
			t.Errorf("env: got %q (%v), want %q", out, err, want)
		}
	})
	t.Run("the writable directory is the host's", func(t *testing.T) {
		spec, work := newSpec(t, helper)
		if _, _, err := run(t, spec, env, "sh", "-c", "echo hi > out"); err != nil {
			t.Fatal(err)
		}
		if data, err := os.ReadFile(filepath.Join(work, "out")); err != nil || string(data) != "hi\n" {
			t.Errorf("host sees %q, %v", data, err)
		}
	})
}

// TestCancelKillsEverything: cancelling the context kills the program and
// what it started (here a sleeping grandchild).
func TestCancelKillsEverything(t *testing.T) {
	spec, _ := newSpec(t, sandboxtest.Helper(t))
	token := "7" + strings.Repeat("3", 6) // a sleep no one else runs
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := spec.Command(ctx, "/", nil, busybox, "sh", "-c", "/bin/busybox sleep "+token+" & /bin/busybox sleep "+token)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for sleepers(token) < 2 {
		if time.Now().After(deadline) {
			cancel()
			cmd.Wait()
			t.Fatalf("the sleeps never started: %s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a cancelled command succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the command outlived its context by 10s")
	}
	if n := sleepers(token); n != 0 {
		t.Errorf("%d sleeping processes outlived the sandbox", n)
	}
}

// sleepers counts the host's processes running "sleep token".
func sleepers(token string) int {
	n := 0
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err == nil && bytes.Equal(bytes.TrimRight(data, "\x00"), []byte(busybox+"\x00sleep\x00"+token)) {
			if status, err := os.ReadFile(filepath.Join(filepath.Dir(p), "stat")); err == nil && !bytes.Contains(status, []byte(") Z ")) {
				n++
			}
		}
	}
	return n
}

func TestDisabledRunsDirectly(t *testing.T) {
	spec := &sandbox.Spec{Enabled: false, Helper: "/nonexistent"}
	dir := t.TempDir()
	env := []string{"ONLY=this"}
	cmd := spec.Command(context.Background(), dir, env, busybox, "sh", "-c", "echo $$; /bin/busybox pwd; /bin/busybox env; /bin/busybox head -c5 /etc/passwd")
	var outb bytes.Buffer
	cmd.Stdout = &outb
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	out := outb.String()
	lines := strings.Split(out, "\n")
	if len(lines) < 4 || lines[0] == "1" || lines[1] != dir || !strings.Contains(out, "ONLY=this\n") ||
		strings.Contains(out, "PATH=/usr") {
		t.Errorf("unsandboxed run printed %q", out)
	}
	var nilSpec *sandbox.Spec
	if err := nilSpec.Command(context.Background(), dir, env, busybox, "true").Run(); err != nil {
		t.Errorf("a nil spec: %v", err)
	}
}

// TestUnrunnableProgram: a script whose interpreter is not in the sandbox
// is reported naming the program and the interpreter.
func TestUnrunnableProgram(t *testing.T) {
	spec, work := newSpec(t, sandboxtest.Helper(t))
	script := filepath.Join(t.TempDir(), "go")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ntouch "+work+"/ran\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	spec.ReadOnly = append(spec.ReadOnly, script)
	cmd := spec.Command(context.Background(), "/", nil, script)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	var se *sandbox.Error
	if !errors.As(err, &se) || !strings.Contains(se.Error(), script+" cannot run in the planning sandbox") ||
		!strings.Contains(se.Error(), "interpreter /bin/sh is not in the sandbox") {
		t.Errorf("got %v (stderr %q)", err, errb.String())
	}
	if _, err := os.Stat(filepath.Join(work, "ran")); err == nil {
		t.Error("the script ran")
	}
}

// TestNoInheritedDescriptors: a file descriptor the caller leaves open
// across exec (as Nix leaves some) does not reach the sandboxed program.
func TestNoInheritedDescriptors(t *testing.T) {
	spec, _ := newSpec(t, sandboxtest.Helper(t))
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("the secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fd, err := syscall.Open(secret, syscall.O_RDONLY, 0) // no O_CLOEXEC
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	n := strconv.Itoa(fd)
	out, stderr, err := run(t, spec, nil, "sh", "-c",
		"/bin/busybox cat <&"+n+"; /bin/busybox cat /proc/self/fd/"+n+"; /bin/busybox ls /proc/self/fd")
	if strings.Contains(out, "secret") || strings.Contains(stderr, "secret") {
		t.Errorf("the program read the inherited fd %d: stdout %q, stderr %q", fd, out, stderr)
	}
	// ls's own directory descriptor besides 0, 1 and 2.
	if fds := strings.Fields(out); len(fds) != 4 || strings.Join(fds[:3], " ") != "0 1 2" {
		t.Errorf("the program has the descriptors %q (%v, stderr %q), want 0 1 2 and ls's", fds, err, stderr)
	}
}

// TestBigInvocation: an invocation far over Linux's 128 KiB limit of one
// argument reaches the helper whole.
func TestBigInvocation(t *testing.T) {
	spec, _ := newSpec(t, sandboxtest.Helper(t))
	args := []string{"sh", "-c", `echo $# ${#1}`, "sh"}
	for range 3000 {
		args = append(args, strings.Repeat("x", 100))
	}
	if size := len(strings.Join(args, " ")); size < 256<<10 {
		t.Fatalf("the invocation is only %d bytes", size)
	}
	out, stderr, err := run(t, spec, nil, args...)
	if err != nil || out != "3000 100\n" {
		t.Errorf("got %q, %v (stderr %q), want \"3000 100\\n\"", out, err, stderr)
	}
}

// TestProgramCannotFakeSetupErrors: a program that prints what the helper
// once printed for its own failures, and exits 127 as it did, failed on
// its own: the sandbox was made.
func TestProgramCannotFakeSetupErrors(t *testing.T) {
	spec, _ := newSpec(t, sandboxtest.Helper(t))
	cmd := spec.Command(context.Background(), "/", nil, busybox, "sh", "-c",
		"echo 'gograph-sandbox: bind /x: no such file or directory' >&2; exit 127")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	var se *sandbox.Error
	var exit *exec.ExitError
	if errors.As(err, &se) || !errors.As(err, &exit) || exit.ExitCode() != 127 ||
		errb.String() != "gograph-sandbox: bind /x: no such file or directory\n" {
		t.Errorf("got %v (%T), stderr %q; want the program's exit status 127 and its stderr", err, err, errb.String())
	}
}

// TestSetupFailure: a failure to set the sandbox up is an *Error, whatever
// the program.
func TestSetupFailure(t *testing.T) {
	spec, _ := newSpec(t, sandboxtest.Helper(t))
	missing := filepath.Join(t.TempDir(), "missing")
	spec.ReadOnly = append(spec.ReadOnly, missing)
	var errb bytes.Buffer
	cmd := spec.Command(context.Background(), "/", nil, busybox, "true")
	cmd.Stderr = &errb
	err := cmd.Run()
	var se *sandbox.Error
	if !errors.As(err, &se) || !strings.Contains(se.Error(), "cannot set up the planning sandbox to run "+busybox+": bind "+missing+": ") ||
		!strings.Contains(se.Error(), "no such file or directory; set the Nix option") {
		t.Errorf("got %v (stderr %q)", err, errb.String())
	}
	if errb.Len() != 0 {
		t.Errorf("the helper wrote on stderr: %q", errb.String())
	}
}
