package plan

// This file reads a go.work at the root of src: the workspace modules go
// builds together when GOWORK names that file (cmd/go's workspace mode),
// and the go.sum files whose union pins their dependencies.

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
	"github.com/nix-gograph/nix-gograph/gobridge/srcfs"
)

// Workspace is the go.work at the root of src.
type Workspace struct {
	// GoVersion is go.work's go directive ("" if it has none).
	GoVersion string
	// Use are the workspace modules' directories, relative to src,
	// slash-separated and cleaned ("." is src itself), in go.work's order.
	Use []string
}

// ReadWorkspace reads dir's go.work, nil if dir has none. A use or a
// directory replacement outside dir is a KindOutsideSrc error naming it
// (nothing outside src is read); a go.work that does not parse, or uses
// no module, is a KindNoModule error.
func ReadWorkspace(dir string) (*Workspace, error) {
	data, err := srcfs.ReadFile(dir, "go.work")
	if errors.Is(err, fs.ErrNotExist) && !srcfs.IsOutside(err) {
		return nil, nil
	} else if err != nil {
		return nil, SrcError(err)
	}
	wf, err := modfile.ParseWork(filepath.Join(dir, "go.work"), data, nil)
	if err != nil {
		return nil, &Error{Kind: KindNoModule, Argument: "src", Message: err.Error()}
	}
	ws := &Workspace{}
	if wf.Go != nil {
		ws.GoVersion = wf.Go.Version
	}
	for _, u := range wf.Use {
		rel, ok := inside(dir, dir, u.Path)
		if ok { // a symlink leaving src is outside too
			_, _, err := srcfs.Resolve(dir, rel)
			ok = !srcfs.IsOutside(err)
		}
		if !ok {
			return nil, &Error{Kind: KindOutsideSrc, Argument: "src", Message: fmt.Sprintf(
				"go.work:%d: use %s: the directory is outside src, and nix-gograph reads nothing outside src "+
					"(make src the directory holding every workspace module, or build without the workspace: "+
					"workspace = false)", u.Syntax.Start.Line, u.Path)}
		}
		if !slices.Contains(ws.Use, rel) {
			ws.Use = append(ws.Use, rel)
		}
	}
	if len(ws.Use) == 0 {
		return nil, &Error{Kind: KindNoModule, Argument: "src",
			Message: filepath.Join(dir, "go.work") + " uses no module (it has no use directive)"}
	}
	if err := checkReplaceDirs(dir, dir, "go.work", wf.Replace); err != nil {
		return nil, err
	}
	return ws, nil
}

// CheckVendoredWorkspace refuses cfg's workspace if src is vendored too
// (go work vendor): nix-gograph does not plan that yet.
func CheckVendoredWorkspace(cfg *Config) error {
	if cfg.Workspace == nil || !cfg.Vendor {
		return nil
	}
	return &Error{Kind: KindBadArgument, Argument: "workspace", Message: fmt.Sprintf(
		"src %s has both go.work and vendor/modules.txt: a vendored workspace is not supported "+
			"(build without the workspace, workspace = false, or remove vendor/)", cfg.Dir)}
}

// Patterns are the package patterns of every package of the workspace
// ("./..." at a workspace root that is not itself a module matches
// nothing).
func (ws *Workspace) Patterns() []string {
	patterns := make([]string, len(ws.Use))
	for i, u := range ws.Use {
		patterns[i] = "./" + path.Join(u, "...")
	}
	return patterns
}

// SumFiles are the go.sum files, relative to src, that go reads for a
// build of src with workspace ws (nil: none, GOWORK=off): src's go.sum,
// or each workspace module's go.sum and then go.work.sum.
func SumFiles(ws *Workspace) []string {
	if ws == nil {
		return []string{"go.sum"}
	}
	var files []string
	for _, u := range ws.Use {
		files = append(files, path.Join(u, "go.sum"))
	}
	return append(files, "go.work.sum")
}

// ReadGoSums reads and merges the go.sum files of SumFiles(ws) in dir; a
// file that does not exist is skipped (a module with no dependencies), and
// the result is empty if none exists. Two files pinning one module
// differently is a KindGoSum error naming both.
func ReadGoSums(dir string, ws *Workspace) (map[module.Version]*modfetch.Sum, error) {
	all := map[module.Version]*modfetch.Sum{}
	from := map[module.Version]string{}
	for _, name := range SumFiles(ws) {
		data, err := srcfs.ReadFile(dir, name)
		if errors.Is(err, fs.ErrNotExist) && !srcfs.IsOutside(err) {
			continue
		} else if err != nil {
			return nil, SrcError(err)
		}
		sums, err := modfetch.ParseGoSum(filepath.Join(dir, filepath.FromSlash(name)), data)
		if err != nil {
			return nil, &Error{Kind: KindGoSum, Argument: "src", Message: err.Error()}
		}
		for mod, s := range sums {
			have := all[mod]
			if have == nil {
				all[mod], from[mod] = s, name
				continue
			}
			if (have.Zip != "" && s.Zip != "" && have.Zip != s.Zip) || (have.GoMod != "" && s.GoMod != "" && have.GoMod != s.GoMod) {
				return nil, &Error{Kind: KindGoSum, Argument: "src", Package: mod.String(), Message: fmt.Sprintf(
					"%s and %s pin %s differently", from[mod], name, mod)}
			}
			merged := *have
			merged.Zip, merged.GoMod = cmp.Or(have.Zip, s.Zip), cmp.Or(have.GoMod, s.GoMod)
			all[mod] = &merged
		}
	}
	return all, nil
}

// workspaceModule reads the go.mod of the workspace module in dir/use: its
// module path and go version.
func workspaceModule(dir, use string) (modulePath, goVersion string, err error) {
	modulePath, goVersion, err = readGoMod(dir, use)
	var pe *Error
	if errors.As(err, &pe) && pe.Kind == KindNoModule {
		pe.Message = fmt.Sprintf("go.work: use %s: %s", use, pe.Message)
	}
	return modulePath, goVersion, err
}

// inside reports whether target, a directory written in a file in base
// (relative to base unless absolute), is inside root, and where, relative
// to root and slash-separated.
func inside(root, base, target string) (string, bool) {
	if !filepath.IsAbs(target) {
		target = filepath.Join(base, target)
	}
	rel, err := filepath.Rel(root, target)
	if err != nil || srcfs.Climbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
