// Package modfetch fetches the third-party modules a build needs from a Go
// module proxy and verifies them against go.sum — the lock nix-gograph
// uses instead of a vendorHash. go.sum's h1: hashes pin each module's zip
// and go.mod; a download whose hash differs is refused, and zips are
// checked with golang.org/x/mod/zip's safety rules (no path traversal, no
// case-insensitive collisions, size limits) before extraction.
package modfetch

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/mod/module"
)

// Sum is what go.sum records of one module version.
type Sum struct {
	Mod module.Version // the module version the hashes are of
	// Zip is the h1: hash of the module's content, or "" when go.sum only
	// has its go.mod (a module needed for the module graph, not for code).
	Zip string
	// GoMod is the h1: hash of the module's go.mod file.
	GoMod string
}

// ParseGoSum parses a go.sum file. Its format is one line per hash:
//
//	<module path> <version>[/go.mod] h1:<base64 sha256>
func ParseGoSum(name string, data []byte) (map[module.Version]*Sum, error) {
	sums := map[module.Version]*Sum{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 3 || !strings.HasPrefix(fields[2], "h1:") {
			return nil, fmt.Errorf("modfetch: %s:%d: malformed line %q", name, line, sc.Text())
		}
		version, isGoMod := strings.CutSuffix(fields[1], "/go.mod")
		mod := module.Version{Path: fields[0], Version: version}
		if err := module.Check(mod.Path, mod.Version); err != nil {
			return nil, fmt.Errorf("modfetch: %s:%d: %w", name, line, err)
		}
		s := sums[mod]
		if s == nil {
			s = &Sum{Mod: mod}
			sums[mod] = s
		}
		if isGoMod {
			s.GoMod = fields[2]
		} else {
			s.Zip = fields[2]
		}
	}
	return sums, sc.Err()
}
