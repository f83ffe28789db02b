package graph

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/plan"
	"github.com/nix-gograph/nix-gograph/gobridge/plancache"
)

// plannerID identifies the planner's code: make sets it to a digest of the
// Go sources (-ldflags -X), so a plan is reused only by the code that made
// it. Without it (go test, a hand-made build), plans are kept in memory
// only.
var plannerID string

// defaultPlanCache keeps plans in memory and, when the planner's code is
// identified, under the user's cache directory, next to the module index.
func defaultPlanCache() *plancache.Cache {
	c := &plancache.Cache{}
	if cache, err := os.UserCacheDir(); err == nil && plannerID != "" {
		c.Dir = filepath.Join(cache, "nix-gograph", "plans")
	}
	return c
}

// planKey is the key of req's description: the planner's code, the
// request but for src and the policy (where src is and what planning may
// do shape no plan: a plan names src's files relative to it, and planning
// either is allowed or fails), and the fingerprint of src, which holds
// go.mod and go.sum and so every module's content.
func planKey(req *Request) (plancache.Key, error) {
	fingerprint, err := plancache.Fingerprint(req.Src)
	if err != nil {
		return plancache.Key{}, err
	}
	shape := *req
	shape.Src, shape.Policy = "", Policy{}
	reqJSON, err := json.Marshal(&shape)
	if err != nil {
		return plancache.Key{}, err
	}
	return plancache.NewKey([]byte(plannerID), reqJSON, fingerprint[:]), nil
}

// reusable reports whether planned depends on nothing the key leaves out:
// not when a link keeps cmd/go's build ID, a digest of whole files (only a
// request without a -buildid in ldflags; buildGoApplication adds one).
func reusable(planned *plan.Result) bool {
	units := planned.Units
	if planned.Tests != nil {
		units = append(slices.Clip(units), planned.Tests.Units...)
	}
	return !slices.ContainsFunc(units, func(u *plan.Unit) bool { return u.ActionBuildID })
}

// cachedDescription is the description kept under key, if its modules are
// the ones mods holds (the same store paths).
func (p *Planner) cachedDescription(key plancache.Key, mods *modules) *Description {
	data, ok := p.cache.Get(key)
	if !ok {
		return nil
	}
	var desc Description
	if json.Unmarshal(data, &desc) != nil {
		p.cache.Remove(key)
		return nil
	}
	var have int
	if mods != nil {
		have = len(mods.byModule)
	}
	if len(desc.Modules) != have {
		return nil
	}
	for _, m := range desc.Modules {
		if mods.byModule[module.Version{Path: m.Path, Version: m.Version}] != m.StorePath {
			return nil
		}
	}
	return &desc
}

// keepDescription keeps desc, planned for req, under key, unless src
// changed while it was planned (its fingerprint is no longer key's: the
// plan may be of another state of src), or the description names src
// (two copies of src would not have the same plan).
func (p *Planner) keepDescription(req *Request, key plancache.Key, desc *Description) {
	data, err := json.Marshal(desc)
	if err != nil {
		return
	}
	for _, dir := range srcNames(req.Src) {
		if bytes.Contains(data, []byte(dir)) {
			return
		}
	}
	if again, err := planKey(req); err != nil || again != key {
		return
	}
	p.cache.Put(key, data)
}

// srcNames are the spellings of src a plan could hold: as given, absolute
// and with symlinks resolved.
func srcNames(src string) []string {
	names := []string{filepath.Clean(src)}
	if abs, err := filepath.Abs(src); err == nil {
		names = append(names, abs)
	}
	if real, err := filepath.EvalSymlinks(src); err == nil {
		names = append(names, real)
	}
	return names
}
