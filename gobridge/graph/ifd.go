package graph

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
	"github.com/nix-gograph/nix-gograph/gobridge/nixstore"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// The import-from-derivation mode (no plugin) plans inside a derivation:
// the third-party modules are already store paths (fixed-output
// derivations made from the lock file) and nothing can be added to the
// store from there. So instead of derivations it returns units: each
// unit's action with placeholders the Nix side fills in with store paths
// that carry string context, giving the same derivation environments as
// the plugin's.

// SourceRef is the placeholder a unit's action uses for the store path of
// the main-module package id's own files.
func SourceRef(id string) string { return "$GOGRAPH_SOURCE{" + id + "}" }

// IFDRequest is the request of the IFD planner (`gograph plan-units`).
type IFDRequest struct {
	Request
	// Modules are the third-party modules, already in the store.
	Modules []IFDModule `json:"modules"`
}

// IFDModule is one module version of go.sum: its go.mod file (if go.sum
// pins it) and, if go.sum pins its content, the store path holding it.
type IFDModule struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	GoMod   string `json:"goMod"`
	Dir     string `json:"dir,omitempty"`
}

// IFDPlan is the IFD planner's answer, read by nixexpr/ifd.nix.
type IFDPlan struct {
	ModulePath string                 `json:"modulePath"`
	GoVersion  string                 `json:"goVersion"`
	Packages   map[string]*ifdPackage `json:"packages"`
	Units      []*ifdUnit             `json:"units"`
	Tests      map[string]*ifdTest    `json:"tests"`
}

// ifdPackage describes a package; Dir and Files say which files of the
// module make its source store path (main-module packages only).
type ifdPackage struct {
	ImportPath string   `json:"importPath"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Imports    []string `json:"imports"`
	Dir        *string  `json:"dir"`
	Files      []string `json:"files"`
	SourceName string   `json:"sourceName,omitempty"`
	Module     string   `json:"module,omitempty"`
}

// ifdUnit is one derivation: Action has ArchiveRef placeholders for Deps
// and a SourceRef placeholder for Source; Inputs are store paths it reads.
type ifdUnit struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Mode   string   `json:"mode"`
	Binary string   `json:"binary,omitempty"`
	Deps   []string `json:"deps"`
	Source *string  `json:"source"`
	Inputs []string `json:"inputs"`
	UsesCC bool     `json:"usesCC"`
	Action string   `json:"action"`
}

// ifdTest is a tested package: its test binary's link unit and the files
// of its directory the run gets.
type ifdTest struct {
	Main       string   `json:"main"`
	Dir        string   `json:"dir"`
	Files      []string `json:"files"`
	SourceName string   `json:"sourceName"`
}

// PlanUnits answers an IFD request.
func PlanUnits(req *IFDRequest) (*IFDPlan, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp("", "gograph-plan-units-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	cfg := req.PlanConfig()
	if _, err := os.Stat(filepath.Join(req.Src, "vendor", "modules.txt")); err == nil {
		cfg.Vendor = true
	} else if cfg.ModCache, cfg.ModuleDirs, err = req.ModuleView(filepath.Join(scratch, "modcache")); err != nil {
		return nil, err
	}
	planned, err := plan.Plan(cfg)
	if err != nil {
		return nil, err
	}
	return unitsOf(req, planned)
}

// ModuleView lays out req's modules as a module cache at root and returns
// root and the module directories in it with their store paths.
func (req *IFDRequest) ModuleView(root string) (string, map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(req.Src, "go.sum"))
	if os.IsNotExist(err) {
		return "", nil, nil
	} else if err != nil {
		return "", nil, err
	}
	sums, err := modfetch.ParseGoSum("go.sum", data)
	if err != nil {
		return "", nil, &plan.Error{Kind: "go-sum", Argument: "src", Message: err.Error()}
	}
	dirs := map[string]string{}
	var view []modfetch.ViewModule
	for _, m := range req.Modules {
		mod := module.Version{Path: m.Path, Version: m.Version}
		vm := modfetch.ViewModule{Mod: mod}
		if m.GoMod != "" { // go.sum may pin a module's content only
			if vm.GoMod, err = os.ReadFile(m.GoMod); err != nil {
				return "", nil, &plan.Error{Kind: "module", Package: mod.String(), Message: err.Error()}
			}
		}
		if sum := sums[mod]; sum != nil && sum.Zip != "" && m.Dir != "" {
			vm.ZipSum, vm.Dir = sum.Zip, m.Dir
			viewDir, err := viewModuleDir(root, mod)
			if err != nil {
				return "", nil, err
			}
			dirs[viewDir] = m.Dir
		}
		view = append(view, vm)
	}
	return root, dirs, modfetch.WriteView(root, view)
}

func unitsOf(req *IFDRequest, planned *plan.Result) (*IFDPlan, error) {
	out := &IFDPlan{ModulePath: planned.ModulePath, GoVersion: planned.GoVersion,
		Packages: map[string]*ifdPackage{}, Tests: map[string]*ifdTest{}}
	sources := map[string]bool{}
	describe := func(p *plan.Package) *ifdPackage {
		pv := &ifdPackage{ImportPath: p.ImportPath, Name: p.Name, Kind: packageKind(p), Imports: nonNil(p.Imports)}
		if p.Module != nil && !p.Module.Main {
			pv.Module = moduleVersion(p.Module).String()
		} else if !p.Standard && p.Dir != "" {
			rel, err := filepath.Rel(req.Src, p.Dir)
			if err == nil && !strings.HasPrefix(rel, "..") {
				rel = filepath.ToSlash(rel)
				pv.Dir, pv.Files = &rel, nonNil(p.SourceFiles())
				pv.SourceName = nixstore.SanitizeName(p.ImportPath) + "-src"
				sources[p.ImportPath] = true
			}
		}
		return pv
	}
	for _, p := range planned.Packages {
		out.Packages[p.ImportPath] = describe(p)
	}
	units := planned.Units
	if t := planned.Tests; t != nil {
		for _, p := range t.Packages {
			if _, known := out.Packages[p.ImportPath]; !known && p.ForTest != "" {
				out.Packages[p.ImportPath] = describe(p)
			}
		}
		units = append(units, t.Units...)
		for _, b := range t.Binaries {
			rel, err := filepath.Rel(req.Src, b.Dir)
			if err != nil {
				return nil, err
			}
			files, err := testDirFiles(b.Dir)
			if err != nil {
				return nil, err
			}
			out.Tests[b.ImportPath] = &ifdTest{Main: b.Main, Dir: filepath.ToSlash(rel), Files: files,
				SourceName: nixstore.SanitizeName(b.ImportPath) + "-testdir"}
		}
	}
	for _, u := range units {
		a := u.Action
		iu := &ifdUnit{ID: u.ImportPath, Name: unitName(u), Mode: u.Mode, Binary: u.Binary,
			Deps: nonNil(u.Deps), Inputs: nonNil(u.Inputs)}
		if u.SourceDir != "" && u.Mode == "compile" && sources[u.ImportPath] {
			a.Sources = []action.Source{{Dir: u.SourceDir, StorePath: SourceRef(u.ImportPath)}}
			id := u.ImportPath
			iu.Source = &id
		}
		data, err := json.Marshal(&a)
		if err != nil {
			return nil, err
		}
		iu.Action = string(data)
		iu.UsesCC = req.CC != nil && strings.Contains(iu.Action, req.CC.Path)
		out.Units = append(out.Units, iu)
	}
	return out, nil
}

// unitName is the derivation name of a unit.
func unitName(u *plan.Unit) string {
	if u.Mode == "link" {
		return nixstore.SanitizeName(u.Binary) + "-link"
	}
	return "go-" + nixstore.SanitizeName(u.ImportPath)
}

// ParseIFDRequest reads an IFD request, reporting which file was bad.
func ParseIFDRequest(data []byte) (*IFDRequest, error) {
	var req IFDRequest
	if err := json.Unmarshal(data, &req); err != nil {
		return nil, fmt.Errorf("bad plan-units request: %w", err)
	}
	return &req, nil
}
