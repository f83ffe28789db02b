// Package sandbox runs the programs planning starts (go, C compiler probes)
// in a sandbox made with Linux namespaces: user, mount, pid, network, ipc
// and uts. Inside, the program sees only the paths it is given (most of
// them read-only), has no network and no capabilities, and gets exactly
// the environment it is given.
//
// Go's os/exec cannot mount anything between clone and exec, so the
// namespaces are made by clone (SysProcAttr) and the filesystem by a small
// static helper, gograph-sandbox (gobridge/cmd/gograph-sandbox), which runs
// as pid 1 of the new namespaces, builds the new root and then execs the
// program.
//
// The helper gets two pipes, as os/exec's child gets one:
//   - fd 3 (SpecFD), from which it reads its Invocation, as JSON, to EOF
//     (an argument would be limited to 128 KiB);
//   - fd 4 (ReportFD), close-on-exec, on which it reports a failure to set
//     the sandbox up or to exec the program before it exits. A successful
//     exec closes it with nothing written: an empty report means the
//     program ran, and its exit status and output are its own.
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The helper's inherited file descriptors.
const (
	// SpecFD is the read end of the pipe the Invocation comes on.
	SpecFD = 3
	// ReportFD is the write end of the pipe the helper reports a set-up
	// failure on.
	ReportFD = 4
)

// maxReport bounds how much of the helper's report is read.
const maxReport = 64 << 10

// Spec says how to run a program.
type Spec struct {
	// Enabled runs the program in the sandbox; otherwise it runs directly,
	// with the same directory and environment.
	Enabled bool
	// Helper is the gograph-sandbox program.
	Helper string
	// Root is an empty directory the helper mounts the sandbox's root
	// file system on (in its own mount namespace: the directory stays
	// empty outside). It must not be inside a Writable directory, where the
	// sandboxed program could replace it.
	Root string
	// ReadOnly are the absolute paths visible, read-only, at the same
	// place in the sandbox: directories, files or symlinks.
	ReadOnly []string
	// Writable are the absolute paths visible, writable, in the sandbox.
	Writable []string
}

// Invocation is what the helper is asked to do; it reads it, as JSON, from
// fd SpecFD.
type Invocation struct {
	// Root is the directory the new root is mounted on (Spec.Root).
	Root string `json:"root"`
	// Hostname is the sandbox's host name.
	Hostname string `json:"hostname"`
	// ReadOnly are the absolute paths bound read-only at the same place
	// in the new root, none inside another (Spec.ReadOnly, outermost).
	ReadOnly []string `json:"readOnly"`
	// Writable are the absolute paths bound writable at the same place
	// in the new root (Spec.Writable).
	Writable []string `json:"writable"`
	// Dir is the program's working directory.
	Dir string `json:"dir"`
	// Env is the program's whole environment.
	Env []string `json:"env"`
	// Program is the absolute path of the program.
	Program string `json:"program"`
	// Args are the program's arguments after argv[0], which is Program.
	Args []string `json:"args"`
}

// Hostname is the host name programs see in the sandbox.
const Hostname = "gograph-sandbox"

// waitDelay bounds how long Wait waits for the output pipes after the
// program was killed (unsandboxed, a grandchild may hold them open).
const waitDelay = 5 * time.Second

// Command returns the command that runs program with args in dir, with
// exactly env as its environment: in the sandbox if s is enabled, directly
// otherwise (s may be nil). Cancelling ctx kills the program and everything
// it started (the sandbox's whole pid namespace; unsandboxed, its process
// group). A problem with s is reported by the command's Start.
func (s *Spec) Command(ctx context.Context, dir string, env []string, program string, args ...string) *Cmd {
	if env == nil {
		env = []string{} // nil would mean the caller's environment
	}
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c := &Cmd{program: program}
	if s == nil || !s.Enabled {
		c.cmd = exec.CommandContext(ctx, program, args...)
		c.cmd.Dir, c.cmd.Env = dir, env
	} else {
		inv := Invocation{Root: s.Root, Hostname: Hostname, ReadOnly: outermost(s.ReadOnly),
			Writable: s.Writable, Dir: dir, Env: env, Program: program, Args: args}
		var err error
		c.spec = s
		c.invocation, err = json.Marshal(&inv)
		if err != nil {
			c.err = &Error{Program: program, Message: fmt.Sprintf("sandbox: encoding the invocation of %s: %v", program, err)}
		} else if err := s.check(program); err != nil {
			c.err = err
		}
		c.cmd = exec.CommandContext(ctx, s.Helper)
		c.cmd.Env = []string{}
		attr.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID |
			syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	cmd := c.cmd
	cmd.SysProcAttr = attr
	// Killing the process group kills, in the sandbox, its pid 1 and with
	// it every process of its pid namespace.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	return c
}

// Cmd is a program to run, in the sandbox or directly (Spec.Command).
type Cmd struct {
	// Stdout and Stderr receive the program's standard output and error;
	// nil discards them. Set them before Start.
	Stdout, Stderr io.Writer

	cmd     *exec.Cmd
	program string
	// spec is the sandbox, nil to run the program directly.
	spec *Spec
	// invocation is the helper's Invocation, as JSON.
	invocation []byte
	// err is a problem with spec found before anything runs.
	err error
}

// Start starts the program. In the sandbox, it returns once the program
// runs: a failure to make the sandbox or to start the program in it is an
// *Error, and the helper has then ended. Any other error is os/exec's.
func (c *Cmd) Start() error {
	c.cmd.Stdout, c.cmd.Stderr = c.Stdout, c.Stderr
	if c.spec == nil {
		return c.cmd.Start()
	}
	if c.err != nil {
		return c.err
	}
	specR, specW, err := os.Pipe()
	if err != nil {
		return c.spec.startError(c.program, err)
	}
	reportR, reportW, err := os.Pipe()
	if err != nil {
		specR.Close()
		specW.Close()
		return c.spec.startError(c.program, err)
	}
	// The pipes are close-on-exec here (os.Pipe); ExtraFiles makes them
	// the helper's fds 3 and 4 (SpecFD, ReportFD).
	c.cmd.ExtraFiles = []*os.File{specR, reportW}
	err = c.cmd.Start()
	specR.Close()
	reportW.Close()
	if err != nil {
		specW.Close()
		reportR.Close()
		return c.spec.startError(c.program, err)
	}
	// The helper reads the invocation to EOF before anything else; it can
	// be bigger than the pipe's buffer. A helper that ends before (killed
	// when the context is cancelled) makes the write fail with EPIPE.
	_, writeErr := specW.Write(c.invocation)
	specW.Close()
	// EOF without a report: the exec succeeded and closed the helper's
	// end (it is close-on-exec), as os/exec learns that its child ran.
	report, readErr := io.ReadAll(io.LimitReader(reportR, maxReport))
	reportR.Close()
	switch {
	case len(report) > 0:
		c.cmd.Wait()
		return setupError(c.program, string(report))
	case writeErr != nil || readErr != nil:
		waitErr := c.cmd.Wait()
		return &Error{Program: c.program, Message: fmt.Sprintf(
			"cannot pass its invocation to the planning sandbox (helper %s) to run %s: %v (the helper: %v)",
			c.spec.Helper, c.program, errors.Join(writeErr, readErr), waitErr)}
	}
	return nil
}

// Wait waits for the program to end and returns its failure, as os/exec's
// Wait does. In the sandbox, the program's exit status and output are its
// own: the helper reports its own failures through Start.
func (c *Cmd) Wait() error { return c.cmd.Wait() }

// Run starts the program and waits for it to end (Start, Wait).
func (c *Cmd) Run() error {
	if err := c.Start(); err != nil {
		return err
	}
	return c.Wait()
}

// check reports what makes s unusable before anything runs.
func (s *Spec) check(program string) error {
	switch {
	case s.Helper == "":
		return &Error{Program: program, Message: "sandbox: no gograph-sandbox helper was given" + turnOff}
	case !filepath.IsAbs(s.Root) || !filepath.IsAbs(program):
		return &Error{Program: program, Message: "sandbox: the root directory and the program must be absolute paths"}
	}
	for _, w := range s.Writable {
		if within(s.Root, w) {
			return &Error{Program: program, Message: "sandbox: the root directory " + s.Root + " is inside the writable " + w}
		}
	}
	fi, err := os.Stat(s.Helper)
	if err == nil && (!fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0) {
		err = fmt.Errorf("%s is not an executable file (mode %v)", s.Helper, fi.Mode())
	}
	if err != nil {
		return &Error{Program: program, Message: fmt.Sprintf(
			"the planning sandbox's helper %s cannot be run (%v): the nix-gograph plugin's installation is incomplete "+
				"(gograph-sandbox must be an executable file next to libnix-gograph.so)%s", s.Helper, err, turnOff)}
	}
	return nil
}

// outermost drops the paths inside another one of paths (the helper binds
// directories with what is under them) and duplicates, and sorts the rest.
func outermost(paths []string) []string {
	clean := make([]string, 0, len(paths))
	for _, p := range paths {
		clean = append(clean, filepath.Clean(p))
	}
	slices.Sort(clean)
	clean = slices.Compact(clean)
	var out []string
	for _, p := range clean {
		if !slices.ContainsFunc(out, func(dir string) bool { return within(p, dir) }) {
			out = append(out, p)
		}
	}
	return out
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/")
}
