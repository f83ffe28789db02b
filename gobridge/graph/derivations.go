package graph

import (
	"bytes"
	"fmt"
	"maps"
	"slices"

	"github.com/nix-community/go-nix/pkg/derivation"
)

// Derivation is a derivation the shim writes to the store (docs/abi.md).
type Derivation struct {
	Name    string            `json:"name"`
	DrvPath string            `json:"drvPath"`
	ATerm   string            `json:"aterm"`
	Outputs map[string]string `json:"outputs"`
}

// drvSet synthesises input-addressed derivations, computing their paths the
// way Nix does (hashDerivationModulo), in dependency order.
type drvSet struct {
	system       string
	builder      string
	baseDrvs     map[string][]string
	baseSrcs     []string
	replacements map[string]string // drv path -> hex hashDerivationModulo
	list         []*Derivation
}

func newDrvSet(req *Request) *drvSet {
	s := &drvSet{system: req.System, builder: req.Builder.Path,
		baseDrvs: map[string][]string{}, replacements: map[string]string{}}
	// The builder is an input of every derivation; everything else (the
	// toolchain too) only of those whose unit lists it (UnitInputs).
	for _, d := range req.Builder.InputDrvs {
		s.baseDrvs[d.DrvPath] = mergeOutputs(s.baseDrvs[d.DrvPath], d.Outputs)
		s.replacements[d.DrvPath] = d.HashModulo
	}
	s.baseSrcs = append(s.baseSrcs, req.Builder.InputSrcs...)
	return s
}

func mergeOutputs(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// add synthesises a derivation running the builder with env (plus the
// standard attributes) and returns it. deps are derivations of this set
// whose "out" it reads; srcs are extra input sources and extra further
// inputs (the Go and C toolchains). A derivation already in the set is
// returned as it is.
func (s *drvSet) add(name string, env map[string]string, deps []*Derivation, srcs []string, extra ...StoreInput) (*Derivation, error) {
	d := &derivation.Derivation{
		Outputs:          map[string]*derivation.Output{"out": {}},
		InputDerivations: maps.Clone(s.baseDrvs),
		Platform:         s.system,
		Builder:          s.builder,
		Arguments:        []string{},
		Env:              maps.Clone(env),
	}
	d.Env["name"], d.Env["system"], d.Env["builder"], d.Env["out"] = name, s.system, s.builder, ""
	for _, dep := range deps {
		d.InputDerivations[dep.DrvPath] = mergeOutputs(d.InputDerivations[dep.DrvPath], []string{"out"})
	}
	for _, in := range extra {
		for _, drv := range in.InputDrvs {
			d.InputDerivations[drv.DrvPath] = mergeOutputs(d.InputDerivations[drv.DrvPath], drv.Outputs)
			s.replacements[drv.DrvPath] = drv.HashModulo
		}
		srcs = append(srcs, in.InputSrcs...)
	}
	d.InputSources = slices.Compact(slices.Sorted(slices.Values(slices.Concat(s.baseSrcs, srcs))))

	outputs, err := d.CalculateOutputPaths(s.replacements)
	if err != nil {
		return nil, fmt.Errorf("graph: derivation %s: %w", name, err)
	}
	d.Outputs["out"].Path = outputs["out"]
	d.Env["out"] = outputs["out"]
	drvPath, err := d.DrvPath()
	if err != nil {
		return nil, fmt.Errorf("graph: derivation %s: %w", name, err)
	}
	replacement, err := d.CalculateDrvReplacement(s.replacements)
	if err != nil {
		return nil, fmt.Errorf("graph: derivation %s: %w", name, err)
	}
	if _, seen := s.replacements[drvPath]; seen {
		for _, known := range s.list {
			if known.DrvPath == drvPath {
				return known, nil
			}
		}
	}
	s.replacements[drvPath] = replacement
	var aterm bytes.Buffer
	if err := d.WriteDerivation(&aterm); err != nil {
		return nil, fmt.Errorf("graph: derivation %s: %w", name, err)
	}
	drv := &Derivation{Name: name, DrvPath: drvPath, ATerm: aterm.String(), Outputs: outputs}
	s.list = append(s.list, drv)
	return drv, nil
}
