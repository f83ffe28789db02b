package plan

// This file reports a failed `go build -n` or `go test -c -n`. go prints
// its errors on stderr, interleaved with the script it prints there too (an
// error can come in the middle: other packages' work goes on after one
// fails), so the error lines are the lines that are not part of the script
// as parseScript reads it. The message leads with them and never carries
// the script:
//
//	example.com/m: invalid flag in #cgo CFLAGS: -fplugin=x (see https://go.dev/s/invalidflag); reported by go build -n

import (
	"regexp"
	"strings"
)

// scriptErrors returns the lines of out, a `go build -n` script run in
// root, that are not part of the script: go's errors and warnings.
func scriptErrors(out, root string) []string {
	lines := strings.Split(out, "\n")
	var errs []string
	dir := root
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case line == "" || objdirLine.MatchString(line):
			continue
		case line == "#" && i+2 < len(lines) && strings.HasPrefix(lines[i+1], "# ") && lines[i+2] == "#":
			i += 2 // a package's header
			continue
		case strings.HasPrefix(line, "# "):
			errs = append(errs, line) // go heads a package's errors with "# importpath"
			continue
		}
		st, consumed, err := parseStatement(lines, i, root, &dir)
		if err != nil || (st.kind == "run" || st.kind == "probe") && strings.Contains(st.args[0], ":") {
			// Not a command, or a "/file.go:1:2: message" that reads as one.
			errs = append(errs, line)
			continue
		}
		i += consumed
	}
	return errs
}

// errorPackage matches an error line naming a package: "importpath: …" or
// a "# importpath" heading.
var errorPackage = regexp.MustCompile(`^(?:# )?([^\s:"]+)(?::\s|$)`)

// goBuildError is the Error for a `go build -n` or `go test -c -n` (cmd)
// run in root that failed with runErr and printed out on stderr: go's
// error lines, and the package the first one names. A sandbox that could
// not run go, an interruption or output over its bound is reported as it
// is (passThrough).
func goBuildError(cmd string, out []byte, runErr error, root string) *Error {
	if pe := passThrough(runErr, KindGoBuild); pe != nil {
		return pe
	}
	lines := scriptErrors(string(out), root)
	if len(lines) == 0 {
		// Nothing but script (runErr then holds it too) or nothing at all.
		msg := cmd + " failed without an error message"
		if len(strings.TrimSpace(string(out))) == 0 {
			msg = cmd + ": " + runErr.Error()
		}
		return &Error{Kind: KindGoBuild, Message: msg}
	}
	e := &Error{Kind: KindGoBuild, Message: strings.Join(lines, "\n") + "; reported by " + cmd}
	for _, l := range lines {
		if m := errorPackage.FindStringSubmatch(l); m != nil && m[1] != "go" {
			e.Package = m[1]
			break
		}
	}
	return e
}
