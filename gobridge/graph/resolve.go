package graph

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
	"github.com/nix-gograph/nix-gograph/gobridge/nixstore"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// resolved is a Description resolved for the plugin: the source store paths
// and derivations to write, and the value builtins.goPackageGraph returns.
type resolved struct {
	sources  []Source
	drvs     *drvSet
	packages map[string]*packageValue
	binaries map[string]*derivationValue
	tests    map[string]*testValue
}

// resolve turns desc, planned in the module root src, into derivations
// exactly as nixexpr/units.nix does in Nix (see Description): the same
// names, environments and inputs, so the same .drv paths.
func resolve(req *Request, src string, desc *Description) (*resolved, error) {
	r := &resolved{drvs: newDrvSet(req), packages: map[string]*packageValue{},
		binaries: map[string]*derivationValue{}, tests: map[string]*testValue{}}
	addSource := func(name, dir string, files []string) (string, error) {
		root := filepath.Join(src, filepath.FromSlash(dir))
		path, err := nixstore.SourcePath(name, root, files)
		if err != nil {
			return "", err
		}
		r.sources = append(r.sources, Source{Name: name, Root: root, Files: files, Path: path})
		return path, nil
	}
	sources := map[string]string{}
	for _, id := range slices.Sorted(maps.Keys(desc.Packages)) {
		if p := desc.Packages[id]; p.Dir != nil {
			path, err := addSource(p.SourceName, *p.Dir, p.Files)
			if err != nil {
				return nil, err
			}
			sources[id] = path
		}
	}

	archives := map[string]*Derivation{}
	links := map[string]*Derivation{}
	for _, u := range desc.Units {
		drv, err := r.unit(req, desc, u, archives, sources)
		if err != nil {
			return nil, err
		}
		if u.Mode == "compile" {
			archives[u.ID] = drv
			continue
		}
		links[u.ID] = drv
		if u.Test {
			continue
		}
		if _, dup := r.binaries[u.Binary]; dup {
			return nil, &plan.Error{Kind: plan.KindBadArgument, Argument: "subPackages", Package: u.ID,
				Message: fmt.Sprintf("subPackages: two main packages would both be installed as bin/%s", u.Binary)}
		}
		r.binaries[u.Binary] = &derivationValue{drv.DrvPath}
	}

	for id, p := range desc.Packages {
		if p.TestOnly {
			continue
		}
		pv := &packageValue{ImportPath: p.ImportPath, Name: p.Name, Kind: p.Kind, Files: p.Files, Imports: p.Imports}
		if p.Module != "" {
			pv.Src = &storePathValue{desc.Modules[p.Module].StorePath}
		} else if path, ok := sources[id]; ok {
			pv.Src = &storePathValue{path}
		}
		if drv := archives[id]; drv != nil {
			pv.Drv = &derivationValue{drv.DrvPath}
		}
		r.packages[id] = pv
	}
	for _, id := range slices.Sorted(maps.Keys(desc.Tests)) {
		t := desc.Tests[id]
		link := links[t.Main]
		if link == nil {
			return nil, fmt.Errorf("graph: the test binary of %s (%s) has no link unit", id, t.Main)
		}
		src, err := addSource(t.SourceName, t.Dir, t.Files)
		if err != nil {
			return nil, err
		}
		r.tests[id] = &testValue{Binary: &derivationValue{link.DrvPath}, Src: &storePathValue{src}, Dir: t.Dir}
	}
	return r, nil
}

// unit adds the derivation of u, whose dependency units are in archives
// already.
func (r *resolved) unit(req *Request, desc *Description, u *UnitDesc,
	archives map[string]*Derivation, sources map[string]string) (*Derivation, error) {
	in := u.Inputs
	var extra []StoreInput
	var srcs []string
	if in.Toolchain {
		extra = append(extra, req.Go)
	}
	if in.CC {
		if req.CC == nil {
			return nil, fmt.Errorf("graph: %s runs the C compiler, but there is none", u.ID)
		}
		extra = append(extra, *req.CC)
	}
	if in.Libraries {
		extra = append(extra, req.BuildInputs...)
	}
	for _, m := range in.Modules {
		mod := desc.Modules[m]
		if mod == nil {
			return nil, fmt.Errorf("graph: %s reads module %s, which has no store path", u.ID, m)
		}
		srcs = append(srcs, mod.StorePath)
	}
	if in.Source != nil {
		path, ok := sources[*in.Source]
		if !ok {
			return nil, fmt.Errorf("graph: %s reads the files of %s, which have no store path", u.ID, *in.Source)
		}
		srcs = append(srcs, path)
	}
	// A compile reads the export data of its dependencies, a link their
	// linker's objects (Description.ContentAddressed); without the split
	// both are the archive in "out".
	output := "out"
	if desc.ContentAddressed && u.Mode == "compile" {
		output = action.ExportOutput
	}
	deps := map[string]outputRef{}
	var inputs []outputRef
	for _, ip := range in.Deps {
		dep := archives[ip]
		if dep == nil {
			return nil, fmt.Errorf("graph: %s needs %s, which has no compile derivation", u.ID, ip)
		}
		deps[ip] = outputRef{dep, output}
		inputs = append(inputs, deps[ip])
		if desc.ContentAddressed && u.Mode == "link" {
			// A link also has every compile's export data as an input,
			// unread: Nix 2.8 fails a build ("map::at") when a goal for a
			// content-addressed derivation is asked for a second output
			// after it resolved, and a link, which the compiles of its
			// program are first asked for by, asks for both outputs at once.
			inputs = append(inputs, outputRef{dep, action.ExportOutput})
		}
	}
	actionJSON, err := fillPlaceholders(u.Action, func(ip string) (string, error) {
		dep, ok := deps[ip]
		if !ok {
			return "", fmt.Errorf("graph: %s names the archive of %s, which is not among its inputs", u.ID, ip)
		}
		return dep.path() + "/" + action.ArchiveName, nil
	}, func(id string) (string, error) {
		if in.Source == nil || *in.Source != id {
			return "", fmt.Errorf("graph: %s names the files of %s, which are not among its inputs", u.ID, id)
		}
		return sources[id], nil
	})
	if err != nil {
		return nil, err
	}
	env := map[string]string{"gographAction": actionJSON, "passAsFile": "gographAction"}
	ca := desc.ContentAddressed && u.Mode == "compile"
	return r.drvs.add(u.Name, env, inputs, srcs, ca, extra...)
}
