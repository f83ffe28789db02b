package graph

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
	"github.com/nix-gograph/nix-gograph/gobridge/nixstore"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// Result is a successful response (docs/abi.md).
type Result struct {
	Sources     []Source      `json:"sources"`
	Derivations []*Derivation `json:"derivations"`
	Value       any           `json:"value"`
	Messages    []string      `json:"messages"`
	Notices     []string      `json:"notices,omitempty"`
	TempDirs    []string      `json:"tempDirs,omitempty"`
}

// Source is a store path made of some files of a directory.
type Source struct {
	Name  string   `json:"name"`
	Root  string   `json:"root"`
	Files []string `json:"files"`
	Path  string   `json:"path"`
}

// storePathValue and derivationValue are the tagged objects the shim turns
// into strings with context and derivation attrsets.
type storePathValue struct {
	Path string `json:"__gographStorePath"`
}

type derivationValue struct {
	DrvPath string `json:"__gographDerivation"`
}

// packageValue is packages.<importPath> in the returned value.
type packageValue struct {
	ImportPath string           `json:"importPath"`
	Name       string           `json:"name"`
	Kind       string           `json:"kind"`
	Files      []string         `json:"files"`
	Imports    []string         `json:"imports"`
	Src        *storePathValue  `json:"src"`
	Drv        *derivationValue `json:"drv"`
}

func synthesize(req *Request, planned *plan.Result, mods *modules) (*Result, error) {
	res := &Result{}
	if mods != nil {
		res.Sources = append(res.Sources, mods.sources...)
	}
	drvs := newDrvSet(req)
	pkgs := map[string]*packageValue{}
	srcPaths := map[string]string{}
	for _, p := range planned.Packages {
		pv := &packageValue{ImportPath: p.ImportPath, Name: p.Name, Kind: packageKind(p),
			Files: nonNil(p.SourceFiles()), Imports: nonNil(p.Imports)}
		if p.Module != nil && !p.Module.Main && mods != nil && mods.byModule[moduleVersion(p.Module)] != "" {
			pv.Src = &storePathValue{mods.byModule[moduleVersion(p.Module)]}
		} else if !p.Standard {
			src := Source{Name: nixstore.SanitizeName(p.ImportPath) + "-src", Root: p.Dir, Files: p.SourceFiles()}
			path, err := nixstore.SourcePath(src.Name, src.Root, src.Files)
			if err != nil {
				return nil, err
			}
			src.Path = path
			res.Sources = append(res.Sources, src)
			srcPaths[p.ImportPath] = path
			pv.Src = &storePathValue{path}
		}
		pkgs[p.ImportPath] = pv
	}

	archives := map[string]*Derivation{}
	binaries := map[string]*derivationValue{}
	for _, u := range planned.Units {
		drv, err := unitDerivation(drvs, req, u, archives, srcPaths[u.ImportPath])
		if err != nil {
			return nil, err
		}
		if u.Mode == "compile" {
			archives[u.ImportPath] = drv
			pkgs[u.ImportPath].Drv = &derivationValue{drv.DrvPath}
		} else {
			if _, dup := binaries[u.Binary]; dup {
				return nil, &plan.Error{Kind: "bad-argument", Argument: "subPackages", Package: u.ImportPath,
					Message: fmt.Sprintf("subPackages: two main packages would both be installed as bin/%s", u.Binary)}
			}
			binaries[u.Binary] = &derivationValue{drv.DrvPath}
		}
	}
	tests, err := synthesizeTests(req, planned.Tests, res, drvs, archives, srcPaths)
	if err != nil {
		return nil, err
	}
	res.Derivations = drvs.list
	res.Value = map[string]any{
		"modulePath": planned.ModulePath,
		"goVersion":  planned.GoVersion,
		"packages":   pkgs,
		"binaries":   binaries,
		"tests":      tests,
	}
	res.Messages = []string{fmt.Sprintf("planned %s: %d packages, %d derivations",
		planned.ModulePath, len(planned.Packages), len(drvs.list))}
	if mods != nil {
		res.Messages = append(res.Messages, fmt.Sprintf("%d modules, %d downloads, fetched: [%s]",
			len(mods.sources), mods.fetches, strings.Join(mods.fetched, " ")))
		if len(mods.fetched) > 0 {
			res.Notices = append(res.Notices, "fetched Go modules (verified against go.sum): "+
				strings.Join(mods.fetched, " "))
		}
	}
	return res, nil
}

// unitDerivation synthesises the derivation of one compile or link unit.
func unitDerivation(drvs *drvSet, req *Request, u *plan.Unit, archives map[string]*Derivation, srcPath string) (*Derivation, error) {
	a := u.Action
	srcs := slices.Clone(u.Inputs)
	if u.SourceDir != "" && u.Mode == "compile" {
		a.Sources = []action.Source{{Dir: u.SourceDir, StorePath: srcPath}}
		srcs = append(srcs, srcPath)
	}
	var deps []*Derivation
	for _, ip := range u.Deps {
		dep := archives[ip]
		if dep == nil {
			return nil, fmt.Errorf("graph: %s needs %s, which has no compile derivation", u.ImportPath, ip)
		}
		deps = append(deps, dep)
	}
	data, err := json.Marshal(&a)
	if err != nil {
		return nil, err
	}
	actionJSON := plan.ResolveArchives(string(data), func(ip string) string {
		return archives[ip].Outputs["out"] + "/" + action.ArchiveName
	})
	name := unitName(u)
	env := map[string]string{"gographAction": actionJSON, "passAsFile": "gographAction"}
	var extra []StoreInput
	if req.CC != nil && strings.Contains(actionJSON, req.CC.Path) {
		// Only derivations that run the C compiler depend on it.
		extra = append(extra, *req.CC)
	}
	return drvs.add(name, env, deps, srcs, extra...)
}

// moduleVersion is the module a package comes from (its replacement, if any).
func moduleVersion(m *plan.Module) module.Version {
	if m.Replace != nil {
		return module.Version{Path: m.Replace.Path, Version: m.Replace.Version}
	}
	return module.Version{Path: m.Path, Version: m.Version}
}

func packageKind(p *plan.Package) string {
	switch {
	case p.Standard:
		return "std"
	case p.Module != nil && p.Module.Main:
		return "main-module"
	default:
		return "dependency"
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
