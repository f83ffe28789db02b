package lock

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
)

// Problem is one module whose lock entry is not what Make would write for
// go.sum now.
type Problem struct {
	Module string // path@version, as the lock file names it
	Kind   Kind
	Detail string // what differs (Stale only)
}

// Kind says how a lock entry differs from go.sum.
type Kind int

const (
	// Missing: go.sum has the module, the lock does not.
	Missing Kind = iota
	// Stale: both have the module, with other hashes (or the lock has
	// another version of the same module path).
	Stale
	// Extra: the lock has the module, go.sum does not.
	Extra
)

// String is the problem as gograph lock --check prints it, after the lock
// file's name: "github.com/google/uuid@v1.6.0 is missing (go.sum has it)".
func (p Problem) String() string {
	switch p.Kind {
	case Missing:
		return p.Module + " is missing (go.sum has it)"
	case Extra:
		return p.Module + " is extra (go.sum does not have it)"
	default:
		return p.Module + " is stale: " + p.Detail
	}
}

// CheckDir compares the lock file in dir, a module root (holding go.mod) or
// a workspace root (go.work), with the go.sum records GoSums reads (with
// workspace, those of the go.work), as Check does. A missing lock file counts as an
// empty one, which is right exactly when go.sum lists no module (the modes
// without the plugin accept that).
func CheckDir(dir string, workspace bool) ([]Problem, error) {
	if !exists(filepath.Join(dir, "go.mod")) && !exists(filepath.Join(dir, "go.work")) {
		return nil, fmt.Errorf("lock: %s is not a module or workspace root: it has no go.mod or go.work", dir)
	}
	sums, err := GoSums(dir, workspace)
	if err != nil {
		return nil, err
	}
	f, err := Read(filepath.Join(dir, FileName))
	if os.IsNotExist(err) {
		f, err = &File{Version: 1, Modules: map[string]*Entry{}}, nil
	}
	if err != nil {
		return nil, err
	}
	return Check(f, sums), nil
}

// Check lists, sorted by module, every module whose entry in f differs from
// what Make would write for go.sum's hashes sums. It downloads nothing: an
// entry agrees with go.sum when its "h1" is go.sum's hash of the content
// (the narHash was computed from content verified against that very hash)
// and its goModHash, the sha256 of go.mod, gives go.sum's go.mod hash (see
// goModH1). A narHash edited by hand is not noticed here; the fixed-output
// derivation using it fails.
//
// A module path with exactly one version in go.sum missing from the lock and
// exactly one in the lock missing from go.sum is one Stale problem naming
// both versions, not a Missing and an Extra one.
func Check(f *File, sums map[module.Version]*modfetch.Sum) []Problem {
	var problems []Problem
	missing := map[string][]string{} // module path -> versions
	extra := map[string][]string{}   // module path -> lock keys
	for mod, sum := range sums {
		key := mod.String()
		e, ok := f.Modules[key]
		if !ok {
			missing[mod.Path] = append(missing[mod.Path], mod.Version)
			continue
		}
		if detail := staleness(sum, e); detail != "" {
			problems = append(problems, Problem{Module: key, Kind: Stale, Detail: detail})
		}
	}
	for key := range f.Modules {
		path, version := cutVersion(key)
		if sums[module.Version{Path: path, Version: version}] == nil {
			extra[path] = append(extra[path], key)
		}
	}
	for path, versions := range missing {
		if others := extra[path]; len(versions) == 1 && len(others) == 1 {
			problems = append(problems, Problem{Module: path + "@" + versions[0], Kind: Stale,
				Detail: "the lock has " + others[0] + " instead"})
			delete(extra, path)
			continue
		}
		for _, v := range versions {
			problems = append(problems, Problem{Module: path + "@" + v, Kind: Missing})
		}
	}
	for _, keys := range extra {
		for _, key := range keys {
			problems = append(problems, Problem{Module: key, Kind: Extra})
		}
	}
	sort.Slice(problems, func(i, j int) bool { return problems[i].Module < problems[j].Module })
	return problems
}

// staleness says how the lock entry e differs from what Make writes for
// go.sum's sum, or "" if it does not.
func staleness(sum *modfetch.Sum, e *Entry) string {
	var diffs []string
	switch {
	case sum.Zip == "" && (e.H1 != "" || e.NarHash != ""):
		diffs = append(diffs, "go.sum has only its go.mod, the lock has its content")
	case sum.Zip != "" && e.H1 != sum.Zip:
		diffs = append(diffs, fmt.Sprintf("go.sum's hash %s is not the lock's %s", sum.Zip, orNone(e.H1)))
	case sum.Zip != "" && !isSHA256Hex(e.NarHash):
		diffs = append(diffs, fmt.Sprintf("its narHash %s is not a sha256 in hex", orNone(e.NarHash)))
	}
	switch {
	case sum.GoMod == "" && e.GoModHash != "":
		diffs = append(diffs, "go.sum has no go.mod hash, the lock has one")
	case sum.GoMod != "" && !isSHA256Hex(e.GoModHash):
		diffs = append(diffs, fmt.Sprintf("its goModHash %s is not a sha256 in hex", orNone(e.GoModHash)))
	case sum.GoMod != "" && goModH1(e.GoModHash) != sum.GoMod:
		diffs = append(diffs, fmt.Sprintf("go.sum's go.mod hash %s is not the lock's %s (goModHash %s)",
			sum.GoMod, goModH1(e.GoModHash), e.GoModHash))
	}
	return strings.Join(diffs, "; ")
}

// goModH1 is go.sum's hash of a go.mod file whose sha256 is goModHash (in
// hex). golang.org/x/mod/sumdb/dirhash.Hash1 of the one file go.mod is
//
//	sha256sum go.mod | sha256sum   (the inner line is "<hex>  go.mod\n")
//
// in base64 after "h1:", so the lock's goModHash gives it without the file.
func goModH1(goModHash string) string {
	sum := sha256.Sum256([]byte(goModHash + "  go.mod\n"))
	return "h1:" + base64.StdEncoding.EncodeToString(sum[:])
}

func isSHA256Hex(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == sha256.Size && s == strings.ToLower(s)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// cutVersion splits a lock key, path@version, at its last "@" (a key
// without one is all path).
func cutVersion(key string) (path, version string) {
	i := strings.LastIndexByte(key, '@')
	if i < 0 {
		return key, ""
	}
	return key[:i], key[i+1:]
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}
