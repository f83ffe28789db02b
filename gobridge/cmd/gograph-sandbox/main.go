// Command gograph-sandbox runs one program in the planning sandbox of
// nix-gograph (package sandbox). It is started by clone in new user, mount,
// pid, network, ipc and uts namespaces, as their pid 1, with its
// Invocation as JSON in its only argument. It builds a new root file system
// holding only the paths it is given, pivots into it, drops every
// privilege and execs the program, which so becomes pid 1 of the sandbox.
//
// It must stay small, static (CGO_ENABLED=0) and std-only: it is installed
// next to the plugin and runs before anything else is visible. Any failure
// before the program runs is one line on stderr,
// "gograph-sandbox: <what>: <error>", and exit status 127.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"

	"github.com/nix-gograph/nix-gograph/gobridge/sandbox"
)

func init() {
	// Credentials and capabilities are per thread; everything, exec
	// included, happens on this one.
	runtime.LockOSThread()
}

func main() {
	if len(os.Args) != 2 {
		fail("usage", errors.New("gograph-sandbox INVOCATION-JSON"))
	}
	var inv sandbox.Invocation
	if err := json.Unmarshal([]byte(os.Args[1]), &inv); err != nil {
		fail("invocation", err)
	}
	if os.Getpid() != 1 {
		fail("start", errors.New("not pid 1 of a new pid namespace (run by package sandbox only)"))
	}
	check(setUpRoot(&inv))
	check("sethostname", syscall.Sethostname([]byte(inv.Hostname)))
	check("chdir "+inv.Dir, syscall.Chdir(inv.Dir))
	check(dropPrivileges())
	argv := append([]string{inv.Program}, inv.Args...)
	err := syscall.Exec(inv.Program, argv, inv.Env)
	fail("exec "+inv.Program, explainExec(inv.Program, err))
}

// explainExec says why program could not be exec'd: a missing file is
// often a missing interpreter, which the sandbox does not hold.
func explainExec(program string, err error) error {
	if !errors.Is(err, syscall.ENOENT) {
		return err
	}
	head := make([]byte, 256)
	f, openErr := os.Open(program)
	if openErr != nil {
		return err
	}
	n, _ := f.Read(head)
	f.Close()
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("#!")):
		line, _, _ := bytes.Cut(head[2:], []byte("\n"))
		fields := bytes.Fields(line)
		interp := "(none)"
		if len(fields) > 0 {
			interp = string(fields[0])
		}
		return fmt.Errorf("it is a script whose interpreter %s is not in the sandbox", interp)
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return errors.New("its ELF interpreter (dynamic loader) or a library it needs is not in the sandbox")
	}
	return err
}

// check fails with what if err is not nil.
func check(what string, err error) {
	if err != nil {
		fail(what, err)
	}
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "gograph-sandbox: %s: %v\n", what, err)
	os.Exit(127)
}
