package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// The Go releases whose `go build -n` output the planner reads (script.go):
// their scripts are captured in testdata/n and parsed in the tests. A
// release outside the range may print another grammar, so it is refused
// before anything else is asked of it.
const (
	minGoMinor = 22
	maxGoMinor = 27
)

// supportedGo describes the supported range for messages.
var supportedGo = fmt.Sprintf("Go 1.%d through 1.%d", minGoMinor, maxGoMinor)

// checkGoVersion asks the toolchain its version (`go env GOVERSION`) and
// refuses one the planner cannot read exactly.
func (g *goRunner) checkGoVersion() (string, error) {
	out, _, err := g.run("env", "GOVERSION")
	if pe, ok := err.(*Error); ok && (pe.Kind == KindSandbox || pe.Kind == KindInterrupted) {
		return "", err // the first go run: the sandbox's failure is not go's
	} else if err != nil {
		return "", &Error{Kind: KindBadArgument, Argument: "go", Message: "go env GOVERSION: " + err.Error()}
	}
	version := strings.TrimSpace(string(out))
	if minor, ok := goMinor(version); !ok || minor < minGoMinor || minor > maxGoMinor {
		return "", &Error{Kind: KindBadArgument, Argument: "go",
			Message: fmt.Sprintf("go: the toolchain is %q, which nix-gograph does not support: it plans %s", version, supportedGo)}
	}
	return version, nil
}

// goMinor is the minor release of a GOVERSION such as "go1.25.4",
// "go1.26rc1" or "go1.24.2 X:nocoverageredesign".
func goMinor(version string) (int, bool) {
	rest, ok := strings.CutPrefix(version, "go1.")
	if !ok {
		return 0, false
	}
	end := 0
	for end < len(rest) && '0' <= rest[end] && rest[end] <= '9' {
		end++
	}
	minor, err := strconv.Atoi(rest[:end])
	return minor, err == nil
}
