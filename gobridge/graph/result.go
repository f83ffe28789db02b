package graph

import (
	"fmt"
	"strings"

	"golang.org/x/mod/module"

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

// synthesize resolves desc, the description of a plan made in the module
// root src (now, or earlier if cached), into the plugin's sources,
// derivations and value.
func synthesize(req *Request, src string, desc *Description, mods *modules, cached bool) (*Result, error) {
	res := &Result{}
	if mods != nil {
		res.Sources = append(res.Sources, mods.sources...)
	}
	r, err := resolve(req, src, desc)
	if err != nil {
		return nil, err
	}
	res.Sources = append(res.Sources, r.sources...)
	res.Derivations = r.drvs.list
	res.Value = map[string]any{
		"modulePath": desc.ModulePath,
		"goVersion":  desc.GoVersion,
		"packages":   r.packages,
		"binaries":   r.binaries,
		"tests":      r.tests,
		"modules":    mods.value(),
	}
	how := ""
	if cached {
		how = " (cached plan)"
	}
	res.Messages = []string{fmt.Sprintf("planned %s%s: %d packages, %d derivations",
		desc.ModulePath, how, len(r.packages), len(r.drvs.list))}
	if mods != nil {
		res.Messages = append(res.Messages, fmt.Sprintf("%d modules, %d downloads, fetched: [%s]",
			len(mods.sources), mods.fetches, strings.Join(mods.fetched, " ")))
	}
	return res, nil
}

// moduleValue is modules."<path>@<version>" in the returned value: what
// a module cache needs of that module version (the dev shell lays one out,
// as modfetch.WriteView does for planning).
type moduleValue struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	// GoMod is the module's go.mod file as the proxy serves it, checked
	// against go.sum (null if go.sum does not pin it).
	GoMod *string `json:"goMod"`
	// Dir is the store path holding the module's files and ZipSum go.sum's
	// hash of them (both null if go.sum pins only the go.mod).
	Dir    *storePathValue `json:"dir"`
	ZipSum *string         `json:"zipSum"`
}

// value is the modules of the request, by "path@version".
func (m *modules) value() map[string]*moduleValue {
	out := map[string]*moduleValue{}
	if m == nil {
		return out
	}
	for _, vm := range m.viewMods {
		mv := &moduleValue{Path: vm.Mod.Path, Version: vm.Mod.Version}
		if vm.GoMod != nil {
			goMod := string(vm.GoMod)
			mv.GoMod = &goMod
		}
		if path, ok := m.byModule[vm.Mod]; ok {
			zipSum := vm.ZipSum
			mv.Dir, mv.ZipSum = &storePathValue{path}, &zipSum
		}
		out[vm.Mod.String()] = mv
	}
	return out
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
