package graph

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nix-community/go-nix/pkg/derivation"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
)

// Derivation is a derivation the shim writes to the store (docs/abi.md).
type Derivation struct {
	Name    string            `json:"name"`
	DrvPath string            `json:"drvPath"`
	ATerm   string            `json:"aterm"`
	Outputs map[string]string `json:"outputs"`
	// OutputNames are the outputs in the order of the derivation's
	// "outputs" (only "out" without it), as `derivation` lists them.
	OutputNames []string `json:"outputNames"`
}

// drvSet synthesises derivations (input-addressed, floating
// content-addressed and deferred), computing their paths the way Nix does
// (hashDerivationModulo), in dependency order.
type drvSet struct {
	system       string
	builder      string
	baseDrvs     map[string][]string
	baseSrcs     []string
	replacements map[string]string // drv path -> hex hashDerivationModulo
	// floating are the derivations of the set whose output paths are known
	// only once built: content-addressed (floating) ones, and deferred
	// ones, which depend on such a derivation.
	floating map[string]bool
	list     []*Derivation
}

// outputRef is the output of a derivation of the set that another reads.
type outputRef struct {
	drv    *Derivation
	output string
}

// path is what stands for the output in a dependent's derivation: its
// path, or the placeholder Nix replaces with it (downstreamPlaceholder).
func (o outputRef) path() string { return o.drv.Outputs[o.output] }

// caOutputs are the outputs of a content-addressed derivation of the set
// (Description.ContentAddressed), in the order of its "outputs".
var caOutputs = []string{"out", action.ExportOutput}

func newDrvSet(req *Request) *drvSet {
	s := &drvSet{system: req.System, builder: req.Builder.Path,
		baseDrvs: map[string][]string{}, replacements: map[string]string{}, floating: map[string]bool{}}
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
// standard attributes) and returns it. deps are outputs of derivations of
// this set that it reads; srcs are extra input sources and extra further
// inputs (the Go and C toolchains). With ca the derivation is floating
// content-addressed, with the outputs caOutputs (as
// `__contentAddressed = true; outputHashMode = "recursive"; outputs =
// caOutputs;` makes it); a derivation reading a floating one is deferred,
// as Nix's derivationStrict makes it. Outputs without a path known now get
// their downstreamPlaceholder. A derivation already in the set is
// returned as it is.
func (s *drvSet) add(name string, env map[string]string, deps []outputRef, srcs []string, ca bool, extra ...StoreInput) (*Derivation, error) {
	d := &derivation.Derivation{
		Outputs:          map[string]*derivation.Output{"out": {}},
		InputDerivations: maps.Clone(s.baseDrvs),
		Platform:         s.system,
		Builder:          s.builder,
		Arguments:        []string{},
		Env:              maps.Clone(env),
	}
	d.Env["name"], d.Env["system"], d.Env["builder"], d.Env["out"] = name, s.system, s.builder, ""
	if ca {
		for _, o := range caOutputs {
			d.Outputs[o] = &derivation.Output{HashAlgorithm: "r:sha256"}
			d.Env[o] = hashPlaceholder(o)
		}
		d.Env["outputs"] = strings.Join(caOutputs, " ")
		d.Env["outputHashMode"], d.Env["outputHashAlgo"] = "recursive", "sha256"
	}
	deferred := false
	for _, dep := range deps {
		d.InputDerivations[dep.drv.DrvPath] = mergeOutputs(d.InputDerivations[dep.drv.DrvPath], []string{dep.output})
		deferred = deferred || s.floating[dep.drv.DrvPath]
	}
	for _, in := range extra {
		for _, drv := range in.InputDrvs {
			d.InputDerivations[drv.DrvPath] = mergeOutputs(d.InputDerivations[drv.DrvPath], drv.Outputs)
			s.replacements[drv.DrvPath] = drv.HashModulo
		}
		srcs = append(srcs, in.InputSrcs...)
	}
	d.InputSources = slices.Compact(slices.Sorted(slices.Values(slices.Concat(s.baseSrcs, srcs))))

	floating := ca || deferred
	var outputs map[string]string
	if !floating {
		var err error
		if outputs, err = d.CalculateOutputPaths(s.replacements); err != nil {
			return nil, fmt.Errorf("graph: derivation %s: %w", name, err)
		}
		d.Outputs["out"].Path = outputs["out"]
		d.Env["out"] = outputs["out"]
	}
	drvPath, err := d.DrvPath()
	if err != nil {
		return nil, fmt.Errorf("graph: derivation %s: %w", name, err)
	}
	if floating {
		outputs = map[string]string{}
		for o := range d.Outputs {
			outputs[o] = downstreamPlaceholder(drvPath, o)
		}
	}
	// (go-nix takes a single output with a hash algorithm for a fixed
	// output; a content-addressed derivation here always has two.)
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
	s.floating[drvPath] = floating
	var aterm bytes.Buffer
	if err := d.WriteDerivation(&aterm); err != nil {
		return nil, fmt.Errorf("graph: derivation %s: %w", name, err)
	}
	names := []string{"out"}
	if ca {
		names = slices.Clone(caOutputs)
	}
	drv := &Derivation{Name: name, DrvPath: drvPath, ATerm: aterm.String(), Outputs: outputs, OutputNames: names}
	s.list = append(s.list, drv)
	return drv, nil
}
