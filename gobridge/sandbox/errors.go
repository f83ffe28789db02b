package sandbox

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// Error is a failure to make the sandbox or to start a program in it, as
// opposed to a failure of the program itself.
type Error struct {
	// Program is the program that was to run.
	Program string
	// Message says what failed and, where it helps, how to turn the
	// sandbox off.
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// turnOff ends the messages about a sandbox that cannot be made.
const turnOff = "; set the Nix option `gograph-sandbox = false` (a setting of the nix-gograph plugin) to plan unsandboxed"

// execPrefix starts the helper's report of a program it set the sandbox up
// for but could not exec (Report).
const execPrefix = "exec "

// startError is the *Error for err, the failure of os/exec to start the
// helper for program: clone, the uid/gid maps or the exec of the helper.
func (s *Spec) startError(program string, err error) *Error {
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	for _, no := range []syscall.Errno{syscall.EPERM, syscall.EINVAL, syscall.ENOSPC, syscall.EUSERS} {
		if errors.Is(err, no) {
			return &Error{Program: program, Message: fmt.Sprintf(
				"planning runs go in a sandbox made with Linux user namespaces, which this system refuses (%v)%s", err, turnOff)}
		}
	}
	return &Error{Program: program, Message: fmt.Sprintf("cannot start the planning sandbox (helper %s) to run %s: %v", s.Helper, program, err)}
}

// setupError is the *Error for report, what the helper wrote on its
// report pipe (Report) before it exited instead of running program.
func setupError(program, report string) *Error {
	report = strings.TrimSpace(report)
	if strings.HasPrefix(report, execPrefix) {
		return &Error{Program: program, Message: fmt.Sprintf(
			"%s cannot run in the planning sandbox, which holds only the closure of go and cc, src and the modules: %s", program, report)}
	}
	return &Error{Program: program, Message: fmt.Sprintf("cannot set up the planning sandbox to run %s: %s%s", program, report, turnOff)}
}
