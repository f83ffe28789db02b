package graph

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// The modes without the plugin (ifd, dynamic) plan inside a derivation:
// the third-party modules are already store paths (fixed-output
// derivations made from the lock file) and nothing can be added to the
// store from there. So instead of derivations the planner returns the
// Description, which nixexpr/units.nix resolves in Nix exactly as the
// plugin resolves it in Go (description.go).

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
	// H1 is the go.sum hash Dir's content was checked against when it was
	// fetched (the lock's "h1").
	H1 string `json:"h1,omitempty"`
}

// PlanUnits answers an IFD request with the description of the build.
func PlanUnits(req *IFDRequest) (*Description, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp("", "gograph-plan-units-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	cfg := req.PlanConfig()
	// Nothing outside src is read, as in plugin mode (srcguard.go).
	outside, err := checkSrcLinks(req.Src)
	if err != nil {
		return nil, err
	}
	if cfg.Workspace, err = req.ReadWorkspace(); err != nil {
		return nil, err
	}
	if cfg.Vendor, err = srcHasFile(req.Src, "vendor/modules.txt"); err != nil {
		return nil, err
	} else if !cfg.Vendor {
		if cfg.ModCache, cfg.ModuleDirs, err = req.ModuleView(filepath.Join(scratch, "modcache"), cfg.Workspace); err != nil {
			return nil, err
		}
	}
	planned, err := plan.Plan(cfg)
	if err != nil {
		return nil, blameOutside(err, outside)
	}
	modules := map[module.Version]string{}
	if !cfg.Vendor {
		for _, m := range req.Modules {
			if m.Dir != "" {
				modules[module.Version{Path: m.Path, Version: m.Version}] = m.Dir
			}
		}
	}
	return describe(cfg.Dir, planned, modules)
}

// ModuleView lays out req's modules as a module cache at root and returns
// root and the module directories in it with their store paths. ws is
// src's workspace (Request.ReadWorkspace), nil for none. What no go.sum
// pins is left out: a go.mod is in the view only if it matches go.sum, a
// module's content only if it was fetched against go.sum's hash.
func (req *IFDRequest) ModuleView(root string, ws *plan.Workspace) (string, map[string]string, error) {
	sums, err := plan.ReadGoSums(req.Src, ws)
	if err != nil || len(sums) == 0 {
		return "", nil, err
	}
	if err := req.checkModules(sums); err != nil {
		return "", nil, err
	}
	dirs := map[string]string{}
	var view []modfetch.ViewModule
	for _, m := range req.Modules {
		mod := module.Version{Path: m.Path, Version: m.Version}
		sum := sums[mod]
		if sum == nil {
			continue // a lock entry no go.sum pins
		}
		vm := modfetch.ViewModule{Mod: mod}
		if m.GoMod != "" && sum.GoMod != "" { // go.sum may pin a module's content only
			if vm.GoMod, err = os.ReadFile(m.GoMod); err != nil {
				return "", nil, &plan.Error{Kind: plan.KindModule, Package: mod.String(), Message: err.Error()}
			}
			if err := modfetch.CheckGoMod(mod, vm.GoMod, sum.GoMod); err != nil {
				return "", nil, &plan.Error{Kind: plan.KindModule, Package: mod.String(),
					Message: err.Error() + " (refresh gograph.lock: gograph lock on the module or workspace root)"}
			}
		}
		if sum.Zip != "" && m.Dir != "" {
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

// checkModules checks that req's modules are what go.sum (in a workspace,
// each of its go.sum files) pins: every module whose content go.sum pins
// is there, fetched against go.sum's hash. The lock file the modules came
// from is checked against go.sum in Nix (modules.nix), except in a
// workspace, whose go.sum files only the planner reads.
func (req *IFDRequest) checkModules(sums map[module.Version]*modfetch.Sum) error {
	have := map[module.Version]IFDModule{}
	for _, m := range req.Modules {
		have[module.Version{Path: m.Path, Version: m.Version}] = m
	}
	const refresh = "refresh gograph.lock: gograph lock on the module or workspace root"
	for _, mod := range sortedModules(sums) {
		sum, m := sums[mod], have[mod]
		switch {
		case sum.Zip != "" && m.Dir == "" || sum.GoMod != "" && m.GoMod == "":
			return &plan.Error{Kind: plan.KindModule, Package: mod.String(), Message: fmt.Sprintf(
				"module %s is in go.sum but not in the lock file (%s)", mod, refresh)}
		case sum.Zip != "" && m.H1 != sum.Zip:
			return &plan.Error{Kind: plan.KindModule, Package: mod.String(), Message: fmt.Sprintf(
				"module %s: go.sum's hash %s is not the lock file's %q (%s)", mod, sum.Zip, m.H1, refresh)}
		}
	}
	return nil
}

// ParseIFDRequest reads an IFD request, reporting which file was bad.
func ParseIFDRequest(data []byte) (*IFDRequest, error) {
	var req IFDRequest
	if err := json.Unmarshal(data, &req); err != nil {
		return nil, fmt.Errorf("bad plan-units request: %w", err)
	}
	return &req, nil
}
