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
// program. The helper reads an Invocation, as JSON, from its only argument.
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

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

// Invocation is what the helper is asked to do; it is its only argument,
// as JSON.
type Invocation struct {
	// Root is the directory the new root is mounted on (Spec.Root).
	Root string `json:"root"`
	// Hostname is the sandbox's host name.
	Hostname string   `json:"hostname"`
	ReadOnly []string `json:"readOnly"`
	Writable []string `json:"writable"`
	// Dir is the program's working directory.
	Dir string `json:"dir"`
	// Env is the program's whole environment.
	Env []string `json:"env"`
	// Program is the absolute path of the program and Args its arguments
	// (after argv[0], which is Program).
	Program string   `json:"program"`
	Args    []string `json:"args"`
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
func (s *Spec) Command(ctx context.Context, dir string, env []string, program string, args ...string) *exec.Cmd {
	if env == nil {
		env = []string{} // nil would mean the caller's environment
	}
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var cmd *exec.Cmd
	if s == nil || !s.Enabled {
		cmd = exec.CommandContext(ctx, program, args...)
		cmd.Dir, cmd.Env = dir, env
	} else {
		inv := Invocation{Root: s.Root, Hostname: Hostname, ReadOnly: outermost(s.ReadOnly),
			Writable: s.Writable, Dir: dir, Env: env, Program: program, Args: args}
		spec, err := json.Marshal(&inv)
		cmd = exec.CommandContext(ctx, s.Helper, string(spec))
		cmd.Env = []string{}
		cmd.Err = errors.Join(err, s.check(program))
		attr.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID |
			syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	cmd.SysProcAttr = attr
	// Killing the process group kills, in the sandbox, its pid 1 and with
	// it every process of its pid namespace.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	return cmd
}

// check reports what makes s unusable before anything runs.
func (s *Spec) check(program string) error {
	switch {
	case s.Helper == "":
		return &Error{Program: program, Message: "the sandbox helper gograph-sandbox was not found next to the plugin" + turnOff}
	case !filepath.IsAbs(s.Root) || !filepath.IsAbs(program):
		return &Error{Program: program, Message: "sandbox: the root directory and the program must be absolute paths"}
	}
	for _, w := range s.Writable {
		if within(s.Root, w) {
			return &Error{Program: program, Message: "sandbox: the root directory " + s.Root + " is inside the writable " + w}
		}
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
