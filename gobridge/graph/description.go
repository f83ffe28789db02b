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

// One plan format, one producer: the planner describes every unit (the
// work of one derivation: compiling a package or linking a binary) once,
// in a Description, with the unit's inputs listed explicitly. Every mode
// resolves that description the same way, so every mode writes the same
// .drv for the same inputs:
//
//   - plugin mode resolves it in Go (resolve.go) and the shim writes the
//     derivations;
//   - modes ifd and dynamic get it as JSON from `gograph plan-units`
//     (PlanUnits) and resolve it in Nix (nixexpr/units.nix).
//
// A unit's derivation is `derivation { name; system; builder; passAsFile =
// [ "gographAction" ]; gographAction; }` where gographAction is the unit's
// Action with its placeholders filled in (ArchiveRef: the dependency
// unit's output + "/pkg.a"; SourceRef: the package's source store path),
// and whose inputs are exactly those Inputs lists:
//
//   - the toolchain and the C compiler: as the caller gave them, with
//     their context (derivation outputs or store paths);
//   - a third-party module: its plain store path, an input source. That
//     path is the same in every mode: the "source" store path of the NAR
//     hash of the module's extracted files, named gomod-<path>-<version>.
//     Plugin mode fetches the module at evaluation time and adds it to the
//     store under that path itself (no IFD, no build). Modes ifd and
//     dynamic get it from a fixed-output derivation with the lock file's
//     NAR hash (nixexpr/modules.nix), built before planning, whose output
//     has that very path (a recursive sha256 fixed output's path is the
//     source path of its NAR hash) — but the unit derivations name the
//     path, not that fetcher: its .drv holds the planner command and CA
//     bundle that fetch, which plugin mode does not have, and would change
//     every third-party package's .drv whenever the planner is rebuilt;
//   - the package's own files (main module, local replacements, vendor/):
//     a source store path holding just Files of Dir;
//   - the dependency units: their derivations' "out".
//
// Nothing decides an input by searching the action for a store path.
type Description struct {
	ModulePath string `json:"modulePath"`
	GoVersion  string `json:"goVersion"`
	// Modules are the third-party modules with content, by
	// "path@version".
	Modules map[string]*ModuleDesc `json:"modules"`
	// Packages are the packages of the build and of its tests.
	Packages map[string]*PackageDesc `json:"packages"`
	// Units are the derivations, dependencies first.
	Units []*UnitDesc `json:"units"`
	// Tests are the test binaries, by package under test.
	Tests map[string]*TestDesc `json:"tests"`
	// ContentAddressed makes every compile unit a floating
	// content-addressed derivation (__contentAddressed, recursive sha256)
	// with two outputs: action.ExportOutput, the export data, which the
	// ArchiveRef of a compile names, and "out", the linker's object, which
	// the ArchiveRef of a link names. A body edit that leaves a package's
	// export data as it was then rebuilds that package and the links only:
	// Nix finds its importers' resolved derivations built already. Every
	// derivation depending on a compile is deferred (its output paths are
	// known once its inputs are built).
	ContentAddressed bool `json:"contentAddressed,omitempty"`
}

// ModuleDesc is a third-party module version and the store path holding its
// extracted files.
type ModuleDesc struct {
	Path      string `json:"path"`
	Version   string `json:"version"`
	StorePath string `json:"storePath"`
}

// PackageDesc describes a package. A package whose compile reads its own
// files from the module root has Dir (relative to the module root) and
// SourceName, the name of the store path holding Files of Dir; a
// third-party package has Module.
type PackageDesc struct {
	ImportPath string   `json:"importPath"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Imports    []string `json:"imports"`
	Files      []string `json:"files"`
	Dir        *string  `json:"dir"`
	SourceName string   `json:"sourceName,omitempty"`
	Module     string   `json:"module,omitempty"`
	// TestOnly marks the packages only the test binaries need (variants
	// recompiled for a test, external test packages, test helpers); they
	// are not packages of the result.
	TestOnly bool `json:"testOnly,omitempty"`
}

// UnitDesc is one derivation: Name, and Action (JSON, an action.Action
// with ArchiveRef and SourceRef placeholders) resolved with Inputs.
type UnitDesc struct {
	// ID is the import path compiled or linked; a link unit is keyed
	// "link <ID>".
	ID     string     `json:"id"`
	Name   string     `json:"name"`
	Mode   string     `json:"mode"`
	Binary string     `json:"binary,omitempty"`
	Inputs UnitInputs `json:"inputs"`
	Action string     `json:"action"`
	// Test marks the units only test binaries need; a link unit with Test
	// links a test binary, not a program.
	Test bool `json:"test,omitempty"`
}

// UnitInputs are everything a unit's derivation reads besides its builder.
type UnitInputs struct {
	// Toolchain: the Go toolchain (every unit runs one of its tools).
	Toolchain bool `json:"toolchain"`
	// CC: the C toolchain (the cgo tool, C compiles, external linking).
	CC bool `json:"cc"`
	// Libraries: the C libraries (Request.BuildInputs), for the module's
	// cgo packages and links.
	Libraries bool `json:"libraries,omitempty"`
	// Modules are third-party modules, keys of Description.Modules.
	Modules []string `json:"modules"`
	// Source is the package (a key of Description.Packages) whose source
	// store path the action names with SourceRef.
	Source *string `json:"source"`
	// Deps are the compile units whose archives the action names with
	// ArchiveRef.
	Deps []string `json:"deps"`
}

// TestDesc is a tested package: its test binary's link unit (Main) and the
// files of its directory (Dir, relative to the module root) the run gets.
type TestDesc struct {
	Main       string   `json:"main"`
	Dir        string   `json:"dir"`
	Files      []string `json:"files"`
	SourceName string   `json:"sourceName"`
}

// SourceRef is the placeholder a unit's action uses for the store path of
// the package id's own files.
func SourceRef(id string) string { return "$GOGRAPH_SOURCE{" + id + "}" }

// describe turns a plan made in the module root src into its description.
// modules maps each third-party module version with content to its store
// path.
func describe(src string, planned *plan.Result, modules map[module.Version]string) (*Description, error) {
	d := &Description{ModulePath: planned.ModulePath, GoVersion: planned.GoVersion,
		Modules: map[string]*ModuleDesc{}, Packages: map[string]*PackageDesc{}, Tests: map[string]*TestDesc{},
		ContentAddressed: planned.LinkObj}
	for mod, storePath := range modules {
		d.Modules[mod.String()] = &ModuleDesc{Path: mod.Path, Version: mod.Version, StorePath: storePath}
	}
	units := slices.Clone(planned.Units)
	testUnits := map[*plan.Unit]bool{}
	if t := planned.Tests; t != nil {
		for _, u := range t.Units {
			testUnits[u] = true
		}
		units = append(units, t.Units...)
	}
	// The packages whose compile lays out their own files.
	ownFiles := map[string]bool{}
	for _, u := range units {
		if u.SourceDir != "" && u.Mode == "compile" {
			ownFiles[u.ImportPath] = true
		}
	}
	add := func(p *plan.Package, testOnly bool) error {
		pd := &PackageDesc{ImportPath: p.ImportPath, Name: p.Name, Kind: packageKind(p),
			Imports: nonNil(p.Imports), Files: nonNil(p.SourceFiles()), TestOnly: testOnly}
		if p.Module != nil && !p.Module.Main && modules[moduleVersion(p.Module)] != "" {
			pd.Module = moduleVersion(p.Module).String()
		} else if ownFiles[p.ImportPath] {
			// Copied from its real directory inside src (srcguard.go).
			rel, err := packageSource(src, p.ImportPath, p.Dir, pd.Files)
			if err != nil {
				return err
			}
			pd.Dir, pd.SourceName = &rel, nixstore.SanitizeName(p.ImportPath)+"-src"
		}
		d.Packages[p.ImportPath] = pd
		return nil
	}
	for _, p := range planned.Packages {
		if err := add(p, false); err != nil {
			return nil, err
		}
	}
	if t := planned.Tests; t != nil {
		for _, p := range t.Packages {
			// Test variants and test helpers of the module; not the test
			// mains (generated source) nor third-party test dependencies.
			if _, known := d.Packages[p.ImportPath]; !known && (p.ForTest != "" || ownFiles[p.ImportPath]) {
				if err := add(p, true); err != nil {
					return nil, err
				}
			}
		}
		for _, b := range t.Binaries {
			rel, files, err := testDirFiles(src, b.ImportPath, b.Dir)
			if err != nil {
				return nil, err
			}
			d.Tests[b.ImportPath] = &TestDesc{Main: b.Main, Dir: rel, Files: nonNil(files),
				SourceName: nixstore.SanitizeName(b.ImportPath) + "-testdir"}
		}
	}
	for _, u := range units {
		ud, err := describeUnit(d, u)
		if err != nil {
			return nil, err
		}
		ud.Test = testUnits[u]
		d.Units = append(d.Units, ud)
	}
	return d, nil
}

// describeUnit describes the unit u of d.
func describeUnit(d *Description, u *plan.Unit) (*UnitDesc, error) {
	ud := &UnitDesc{ID: u.ImportPath, Name: unitName(u), Mode: u.Mode, Binary: u.Binary,
		Inputs: UnitInputs{Toolchain: true, CC: u.UsesCC, Libraries: u.UsesLibraries, Modules: nonNil(slices.Clone(u.Modules)), Deps: nonNil(u.Deps)}}
	for _, m := range u.Modules {
		if d.Modules[m] == nil {
			return nil, fmt.Errorf("graph: %s reads module %s, which has no store path", u.ImportPath, m)
		}
	}
	a := u.Action
	if u.SourceDir != "" && u.Mode == "compile" {
		if p := d.Packages[u.ImportPath]; p == nil || p.Dir == nil {
			return nil, fmt.Errorf("graph: %s has no source files in the module root", u.ImportPath)
		}
		a.Sources = []action.Source{{Dir: u.SourceDir, StorePath: SourceRef(u.ImportPath)}}
		id := u.ImportPath
		ud.Inputs.Source = &id
	}
	data, err := json.Marshal(&a)
	if err != nil {
		return nil, err
	}
	ud.Action = string(data)
	return ud, nil
}

// unitName is the derivation name of a unit.
func unitName(u *plan.Unit) string {
	if u.Mode == "link" {
		return nixstore.SanitizeName(u.Binary) + "-link"
	}
	return "go-" + nixstore.SanitizeName(u.ImportPath)
}

// fillPlaceholders replaces the ArchiveRef and SourceRef placeholders of
// the action template s with what archive and source give, as
// nixexpr/units.nix does with builtins.replaceStrings: left to right, a
// "$$" (an escaped "$", action.Literal) is kept as it is, so a "$" the user
// wrote never starts a placeholder.
func fillPlaceholders(s string, archive, source func(id string) (string, error)) (string, error) {
	const archivePrefix, sourcePrefix = "$GOGRAPH_ARCHIVE{", "$GOGRAPH_SOURCE{"
	var b strings.Builder
	for i := 0; i < len(s); {
		rest := s[i:]
		var fill func(string) (string, error)
		var prefix string
		switch {
		case strings.HasPrefix(rest, "$$"):
			b.WriteString("$$")
			i += 2
			continue
		case strings.HasPrefix(rest, archivePrefix):
			fill, prefix = archive, archivePrefix
		case strings.HasPrefix(rest, sourcePrefix):
			fill, prefix = source, sourcePrefix
		default:
			b.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return "", fmt.Errorf("graph: unterminated placeholder in %q", rest)
		}
		to, err := fill(rest[len(prefix):end])
		if err != nil {
			return "", err
		}
		b.WriteString(to)
		i += end + 1
	}
	return b.String(), nil
}
