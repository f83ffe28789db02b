package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
)

// Error is a failure to make the sandbox or to start a program in it, as
// opposed to a failure of the program itself.
type Error struct {
	// Program is the program that was to run.
	Program string
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// turnOff ends the messages about a sandbox that cannot be made.
const turnOff = "; set the Nix option `gograph-sandbox = false` (a setting of the nix-gograph plugin) to plan unsandboxed"

// setupPrefix starts the one line the helper writes before it exits with
// setupStatus when it cannot set the sandbox up or exec the program.
const (
	setupPrefix = "gograph-sandbox: "
	setupStatus = 127
)

// Explain returns an *Error if err, the result of running program with a
// command from s.Command (stderr its standard error), means the sandbox
// could not be made or the program not started in it; nil if not (the
// program ran and failed, or s is not enabled).
func (s *Spec) Explain(program string, err error, stderr []byte) error {
	if err == nil || s == nil || !s.Enabled {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		// clone, the uid/gid maps or exec of the helper failed.
		for _, no := range []syscall.Errno{syscall.EPERM, syscall.EINVAL, syscall.ENOSPC, syscall.EUSERS} {
			if errors.Is(err, no) {
				return &Error{Program: program, Message: fmt.Sprintf(
					"planning runs go in a sandbox made with Linux user namespaces, which this system refuses (%v)%s", err, turnOff)}
			}
		}
		return &Error{Program: program, Message: fmt.Sprintf("cannot start the planning sandbox (helper %s) to run %s: %v", s.Helper, program, err)}
	}
	line := bytes.TrimSpace(stderr)
	if exit.ExitCode() != setupStatus || !bytes.HasPrefix(line, []byte(setupPrefix)) || bytes.Contains(line, []byte("\n")) {
		return nil
	}
	detail := string(line[len(setupPrefix):])
	if bytes.HasPrefix(line, []byte(setupPrefix+"exec ")) {
		return &Error{Program: program, Message: fmt.Sprintf(
			"%s cannot run in the planning sandbox, which holds only the closure of go and cc, src and the modules: %s", program, detail)}
	}
	return &Error{Program: program, Message: fmt.Sprintf("cannot set up the planning sandbox to run %s: %s%s", program, detail, turnOff)}
}
