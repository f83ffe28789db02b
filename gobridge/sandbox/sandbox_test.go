package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
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
	if serr := spec.Explain(busybox, err, errb.Bytes()); serr != nil {
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
		t.Fatal(spec.Explain(busybox, err, nil))
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
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(out), "\n")
	if len(lines) < 4 || lines[0] == "1" || lines[1] != dir || !strings.Contains(string(out), "ONLY=this\n") ||
		strings.Contains(string(out), "PATH=/usr") {
		t.Errorf("unsandboxed run printed %q", out)
	}
	var nilSpec *sandbox.Spec
	if out, err := nilSpec.Command(context.Background(), dir, env, busybox, "true").CombinedOutput(); err != nil {
		t.Errorf("a nil spec: %v %s", err, out)
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
	err := spec.Explain(script, cmd.Run(), errb.Bytes())
	var se *sandbox.Error
	if !errors.As(err, &se) || !strings.Contains(se.Error(), script+" cannot run in the planning sandbox") ||
		!strings.Contains(se.Error(), "interpreter /bin/sh is not in the sandbox") {
		t.Errorf("got %v (stderr %q)", err, errb.String())
	}
	if _, err := os.Stat(filepath.Join(work, "ran")); err == nil {
		t.Error("the script ran")
	}
}
