// Package graph answers a goPackageGraph request: it plans the module (package
// plan), puts each main-module package's files in a store path of its own,
// synthesises one derivation per compile and link unit, and describes the
// result as the Nix value the plugin returns (docs/abi.md).
package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"

	"github.com/nix-gograph/nix-gograph/gobridge/plan"
	"github.com/nix-gograph/nix-gograph/gobridge/plancache"
	"github.com/nix-gograph/nix-gograph/gobridge/sandbox"
)

// Planner plans requests; it is safe to keep for the life of the process,
// and keeps the plans it made (plancache.go) for the next request with the
// same key.
type Planner struct {
	cache *plancache.Cache
	// goRoot, if set, is the GOROOT standing for the request's go (tests
	// plan with the toolchain running them).
	goRoot string
}

// NewPlanner returns a Planner keeping plans in memory and in the user's
// cache directory.
func NewPlanner() *Planner { return &Planner{cache: defaultPlanCache()} }

// Response is the shim's answer: exactly one of OK and Error is set.
type Response struct {
	OK    *Result    `json:"ok,omitempty"`
	Error *ErrorInfo `json:"error,omitempty"`
}

// ErrorInfo is a structured error naming its culprit.
type ErrorInfo struct {
	Kind     plan.ErrorKind `json:"kind"`
	Message  string         `json:"message"`
	Package  string         `json:"package,omitempty"`
	Argument string         `json:"argument,omitempty"`
}

// PlanJSON answers one JSON request with a JSON response. It never panics:
// a panic is reported as an "internal" error.
func (p *Planner) PlanJSON(request []byte) []byte {
	return p.PlanJSONProgress(request, nil)
}

// PlanJSONProgress is PlanJSON reporting what it does to progress (nil:
// to nothing) while it plans.
func (p *Planner) PlanJSONProgress(request []byte, progress Progress) (response []byte) {
	defer func() {
		if r := recover(); r != nil {
			response = marshal(&Response{Error: &ErrorInfo{Kind: plan.KindInternal,
				Message: fmt.Sprintf("gobridge: internal error: %v\n%s", r, debug.Stack())}})
		}
	}()
	var req Request
	if err := json.Unmarshal(request, &req); err != nil {
		return marshal(&Response{Error: &ErrorInfo{Kind: plan.KindInternal, Message: "gobridge: bad request: " + err.Error()}})
	}
	result, err := p.PlanContext(withProgress(context.Background(), progress), &req)
	if err != nil {
		return marshal(&Response{Error: errorInfo(err)})
	}
	return marshal(&Response{OK: result})
}

// Plan answers req. Interrupt cancels it.
func (p *Planner) Plan(req *Request) (*Result, error) {
	return p.PlanContext(context.Background(), req)
}

// PlanContext answers req unless ctx is cancelled or Interrupt is called
// first: then every process planning started is killed, nothing of it is
// left in the file system, and the error is of kind plan.KindInterrupted.
func (p *Planner) PlanContext(ctx context.Context, req *Request) (*Result, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	ctx, done := interruptible(ctx)
	defer done()
	// Scratch holds downloaded modules until the shim has added them to the
	// store; the shim removes it (Result.TempDirs).
	scratch, err := os.MkdirTemp("", "gograph-modules-")
	if err != nil {
		return nil, err
	}
	result, err := p.planIn(ctx, req, scratch)
	if ctx.Err() != nil {
		err = &plan.Error{Kind: plan.KindInterrupted, Message: "nix-gograph: planning was interrupted"}
	}
	if err != nil {
		os.RemoveAll(scratch)
		return nil, err
	}
	result.TempDirs = []string{scratch}
	return result, nil
}

// sandboxSpec is the planning sandbox req's policy asks for, nil for none:
// the closure of go, cc, pkgConfig and buildInputs and the modules' scratch directory (their view
// and the modules extracted there) are visible read-only; plan.Plan adds
// src and a writable scratch directory of its own.
func sandboxSpec(req *Request, scratch string) *sandbox.Spec {
	if !req.Policy.Sandbox {
		return nil
	}
	ro := append(slices.Clone(req.Policy.StorePaths), req.Go.Path, scratch)
	if req.CC != nil {
		ro = append(ro, req.CC.Path)
	}
	if req.PkgConfig != nil {
		ro = append(ro, req.PkgConfig.Path)
	}
	for _, in := range req.BuildInputs {
		ro = append(ro, in.Path)
	}
	return &sandbox.Spec{Enabled: true, Helper: req.Policy.SandboxHelper, ReadOnly: ro}
}

func (p *Planner) planIn(ctx context.Context, req *Request, scratch string) (*Result, error) {
	cfg := req.PlanConfig()
	if p.goRoot != "" {
		cfg.GoRoot = p.goRoot
	}
	cfg.Context, cfg.Sandbox = ctx, sandboxSpec(req, scratch)
	// Symlinks leaving src that go would read are refused before go runs;
	// the others are blamed if planning fails naming one (srcguard.go).
	outside, err := checkSrcLinks(req.Src)
	if err != nil {
		return nil, err
	}
	// A committed vendor directory holds every dependency: nothing to fetch.
	if cfg.Vendor, err = srcHasFile(req.Src, "vendor/modules.txt"); err != nil {
		return nil, err
	}
	if cfg.Workspace, err = req.ReadWorkspace(); err != nil {
		return nil, err
	}
	var mods *modules
	if !cfg.Vendor {
		if mods, err = prepareModules(ctx, req.Src, cfg.Workspace, scratch, &req.Policy); err != nil {
			return nil, err
		}
	}
	src, err := filepath.Abs(req.Src)
	if err != nil {
		return nil, err
	}
	// A plan is reused when nothing that shapes it changed (plancache.go);
	// src that cannot be fingerprinted is planned, which says what is wrong.
	var key plancache.Key
	useCache := req.Policy.PlanCache
	if useCache {
		key, err = planKey(req)
		useCache = err == nil
	}
	if useCache {
		if desc := p.cachedDescription(key, mods); desc != nil {
			if res, err := synthesize(req, src, desc, mods, true); err == nil {
				return res, nil
			}
			// A plan that no longer resolves (its files changed under
			// it, say) is planned afresh, and replaced.
			p.cache.Remove(key)
		}
	}
	if mods != nil {
		if err := mods.writeView(); err != nil {
			return nil, err
		}
		cfg.ModCache, cfg.ModuleDirs = mods.view, mods.dirs
	}
	stop := startStep(ctx, LevelTalkative, planningText(req.Src, "running go list and go build -n"))
	planned, err := plan.Plan(cfg)
	stop()
	if err != nil {
		return nil, blameOutside(err, outside)
	}
	desc, err := describe(cfg.Dir, planned, mods.paths())
	if err != nil {
		return nil, err
	}
	if useCache && reusable(planned) {
		p.keepDescription(req, key, desc)
	}
	return synthesize(req, src, desc, mods, false)
}

func errorInfo(err error) *ErrorInfo {
	var pe *plan.Error
	if errors.As(err, &pe) {
		return &ErrorInfo{Kind: pe.Kind, Message: pe.Message, Package: pe.Package, Argument: pe.Argument}
	}
	return &ErrorInfo{Kind: plan.KindInternal, Message: err.Error()}
}

func marshal(r *Response) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(&Response{Error: &ErrorInfo{Kind: plan.KindInternal, Message: err.Error()}})
	}
	return b
}
