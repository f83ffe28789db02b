// Command gograph-sandbox runs one program in the planning sandbox of
// nix-gograph (package sandbox). It is started by clone in new user, mount,
// pid, network, ipc and uts namespaces, as their pid 1, and reads its
// Invocation, as JSON, from fd 3 (sandbox.SpecFD) to EOF. It builds a new
// root file system holding only the paths it is given, pivots into it,
// drops every privilege, marks every inherited file descriptor
// close-on-exec and execs the program, which so becomes pid 1 of the
// sandbox.
//
// It must stay small, static (CGO_ENABLED=0) and std-only: it is installed
// next to the plugin and runs before anything else is visible. Any failure
// before the program runs is written, "<what>: <error>", on fd 4
// (sandbox.ReportFD), which is close-on-exec: a successful exec closes it
// with nothing written. It then exits with status 127. Without fd 4 (run
// by hand) the failure goes to stderr.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"syscall"

	"github.com/nix-gograph/nix-gograph/gobridge/sandbox"
)

func init() {
	// Credentials and capabilities are per thread; everything, exec
	// included, happens on this one.
	runtime.LockOSThread()
}

// reportOK says fd sandbox.ReportFD is the report pipe.
var reportOK bool

func main() {
	if isOpen(sandbox.ReportFD) {
		// Close-on-exec at once: only a failed exec leaves it open.
		if err := setCloseOnExec(sandbox.ReportFD); err != nil {
			fail("report pipe", err)
		}
		reportOK = true
	}
	if len(os.Args) != 1 || !reportOK || !isOpen(sandbox.SpecFD) {
		fail("usage", errors.New("gograph-sandbox takes no arguments: package sandbox starts it with its invocation on fd 3 and a report pipe on fd 4"))
	}
	inv, err := readInvocation()
	if err != nil {
		fail("invocation", err)
	}
	if os.Getpid() != 1 {
		fail("start", errors.New("not pid 1 of a new pid namespace (run by package sandbox only)"))
	}
	check(setUpRoot(inv))
	check("sethostname", syscall.Sethostname([]byte(inv.Hostname)))
	check("chdir "+inv.Dir, syscall.Chdir(inv.Dir))
	check(dropPrivileges())
	// Last before exec: no descriptor the helper inherited (from Nix, say)
	// or opened reaches the program; the report pipe closes on success.
	check("mark file descriptors close-on-exec", closeOnExecFrom(3))
	argv := append([]string{inv.Program}, inv.Args...)
	err = syscall.Exec(inv.Program, argv, inv.Env)
	fail("exec "+inv.Program, explainExec(inv.Program, err))
}

// readInvocation reads the invocation from fd sandbox.SpecFD to EOF and
// closes it.
func readInvocation() (*sandbox.Invocation, error) {
	f := os.NewFile(sandbox.SpecFD, "invocation")
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	var inv sandbox.Invocation
	if err := json.Unmarshal(data, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

// isOpen reports whether fd is an open file descriptor.
func isOpen(fd int) bool {
	_, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
	return e == 0
}

// setCloseOnExec marks fd close-on-exec.
func setCloseOnExec(fd int) error {
	if _, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_SETFD, syscall.FD_CLOEXEC); e != 0 {
		return e
	}
	return nil
}

// close_range(2): its number is the same on every Linux architecture (it
// came after the system call tables were unified); CLOSE_RANGE_CLOEXEC
// marks the range close-on-exec instead of closing it (Linux 5.11).
const (
	sysCloseRange     = 436
	closeRangeCloexec = 1 << 2
)

// closeOnExecFrom marks every file descriptor from first on close-on-exec:
// with close_range(2), or else one by one as /proc/self/fd lists them.
func closeOnExecFrom(first int) error {
	_, _, e := syscall.Syscall(sysCloseRange, uintptr(first), uintptr(^uint32(0)), closeRangeCloexec)
	if e == 0 {
		return nil
	}
	if err := closeOnExecListed(first); err != nil {
		return fmt.Errorf("close_range: %v; %v", e, err)
	}
	return nil
}

// closeOnExecListed marks every file descriptor from first on that
// /proc/self/fd lists close-on-exec.
func closeOnExecListed(first int) error {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return err
	}
	for _, entry := range entries {
		fd, err := strconv.Atoi(entry.Name())
		if err != nil || fd < first {
			continue
		}
		// The directory's own descriptor is closed by now: EBADF.
		if err := setCloseOnExec(fd); err != nil && !errors.Is(err, syscall.EBADF) {
			return fmt.Errorf("fd %d: %v", fd, err)
		}
	}
	return nil
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

// fail reports what failed on the report pipe (stderr without one) and
// exits.
func fail(what string, err error) {
	if reportOK {
		msg := []byte(fmt.Sprintf("%s: %v\n", what, err))
		for len(msg) > 0 {
			n, werr := syscall.Write(sandbox.ReportFD, msg)
			if werr == syscall.EINTR {
				continue
			}
			if werr != nil || n <= 0 {
				break
			}
			msg = msg[n:]
		}
	} else {
		fmt.Fprintf(os.Stderr, "gograph-sandbox: %s: %v\n", what, err)
	}
	os.Exit(127)
}
