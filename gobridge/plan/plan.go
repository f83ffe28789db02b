package plan

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/nix-gograph/nix-gograph/gobridge/srcfs"
)

// Result is the plan of a module build.
type Result struct {
	ModulePath string
	GoVersion  string
	// Packages are every package the build needs, dependencies first.
	Packages []*Package
	// Units are the compile units (dependencies first), then link units.
	Units []*Unit
	// Tests are the test binaries (with Config.Tests).
	Tests *Tests
	// LinkObj is Config.LinkObj: every compile unit installs its export
	// data in the output action.ExportOutput, its linker's object in "out".
	LinkObj bool
}

// Plan asks cfg's toolchain how to build cfg's packages. An error names its
// culprit and carries at most a few KB of go's output (boundError).
func Plan(cfg *Config) (_ *Result, err error) {
	defer func() { err = boundError(err) }()
	root, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	cfg.Dir = filepath.Clean(root)
	if err := CheckSrc(cfg.Dir); err != nil {
		return nil, err
	}
	modulePath, goVersion, err := readModules(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.CGO && cfg.CC == "" {
		return nil, &Error{Kind: KindBadArgument, Argument: "cc", Message: "cgo is on but no C toolchain (cc) was given"}
	}
	patterns, explicit, err := cfg.patterns()
	if err != nil {
		return nil, err
	}
	cfg.Patterns = patterns

	g, err := newGoRunner(cfg)
	if err != nil {
		return nil, err
	}
	defer g.close()
	if _, err := g.checkGoVersion(); err != nil {
		return nil, err
	}
	if !explicit && len(cfg.Excluded) > 0 {
		if cfg.Patterns, err = g.packagesExcluding(cfg.Excluded); err != nil {
			return nil, g.explainError(nil, err)
		}
	}
	// The three go invocations are independent: run them at once.
	var (
		toolEnv  []string
		pkgs     []*Package
		sections []*section
	)
	waitEnv := Async(func() (err error) { toolEnv, err = g.toolEnv(); return err })
	waitList := Async(func() (err error) { pkgs, err = g.list(); return err })
	waitBuild := Async(func() (err error) { sections, err = g.buildScript(); return err })
	envErr, listErr, bErr := waitEnv(), waitList(), waitBuild()
	if listErr == nil {
		// A subPackages entry with nothing to build fails go build too.
		if err := checkTargets(cfg, explicit, pkgs); err != nil {
			return nil, err
		}
	}
	// go list's errors name packages best, so they win.
	if err := cmp.Or(listErr, envErr, bErr); err != nil {
		return nil, g.explainError(pkgs, err)
	}
	if err := cmp.Or(checkPlaceholders(cfg.Dir, pkgs), checkFileNames(pkgs)); err != nil {
		return nil, err
	}
	if explicit {
		if err := checkMainPackages(cfg, pkgs); err != nil {
			return nil, err
		}
	}
	probes, err := g.probeCompiler(sections)
	if err != nil {
		return nil, err
	}
	pc, err := g.pkgConfigFlagsOf(pkgs)
	if err != nil {
		return nil, err
	}
	units, err := makeUnits(cfg, toolEnv, pkgs, sections, probes, pc)
	if err != nil {
		return nil, err
	}
	res := &Result{ModulePath: modulePath, GoVersion: goVersion, Packages: pkgs, Units: units, LinkObj: cfg.LinkObj}
	if cfg.Tests {
		known := map[string]bool{}
		for _, u := range units {
			known[u.ImportPath] = true
		}
		if res.Tests, err = g.planTests(pkgs, toolEnv, known); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// readModules reads the go.mod of cfg's module, or of each workspace
// module, and refuses replacements outside src. The module path and go
// version of a workspace are its first module's and go.work's.
func readModules(cfg *Config) (modulePath, goVersion string, err error) {
	ws := cfg.Workspace
	if ws == nil {
		if modulePath, goVersion, err = readGoMod(cfg.Dir, "."); err == nil && !cfg.Vendor {
			err = checkReplaces(cfg.Dir, ".")
		}
		return modulePath, goVersion, err
	}
	if err := CheckVendoredWorkspace(cfg); err != nil {
		return "", "", err
	}
	for i, use := range ws.Use {
		path, _, err := workspaceModule(cfg.Dir, use)
		if err != nil {
			return "", "", err
		}
		if err := checkReplaces(cfg.Dir, use); err != nil {
			return "", "", err
		}
		if i == 0 {
			modulePath = path
		}
	}
	return modulePath, ws.GoVersion, nil
}

// readGoMod reads the go.mod in root/dir (dir slash-separated, relative
// to root): its module path and go version.
func readGoMod(root, dir string) (modulePath, goVersion string, err error) {
	file := filepath.Join(root, filepath.FromSlash(dir), "go.mod")
	// Only a regular file inside src is read (srcfs): a go.mod symlink
	// leaving src is refused before anything of its target is quoted.
	data, err := srcfs.ReadFile(root, path.Join(dir, "go.mod"))
	if errors.Is(err, os.ErrNotExist) && !srcfs.IsOutside(err) {
		msg := fmt.Sprintf("src %s has no go.mod (it must be the root of a Go module)", root)
		if dir != "." {
			msg = fmt.Sprintf("%s has no go.mod", filepath.Dir(file))
		}
		return "", "", &Error{Kind: KindNoModule, Argument: "src", Message: msg}
	} else if err != nil {
		if serr := SrcError(err); serr != err {
			return "", "", serr
		}
		return "", "", &Error{Kind: KindNoModule, Argument: "src", Message: err.Error()}
	}
	mf, err := modfile.ParseLax(file, data, nil)
	if err != nil {
		return "", "", &Error{Kind: KindNoModule, Argument: "src", Message: err.Error()}
	}
	if mf.Module == nil {
		return "", "", &Error{Kind: KindNoModule, Argument: "src", Message: file + " has no module directive"}
	}
	if mf.Go != nil {
		goVersion = mf.Go.Version
	}
	return mf.Module.Mod.Path, goVersion, nil
}

// patterns are cfg's package patterns, normalized (normalizePatterns),
// or, with no subPackages, every package of the module or workspace.
func (cfg *Config) patterns() (patterns []string, explicit bool, err error) {
	patterns, explicit, err = normalizePatterns(cfg.Patterns)
	if err == nil && !explicit && cfg.Workspace != nil {
		patterns = cfg.Workspace.Patterns()
	}
	return patterns, explicit, err
}

// normalizePatterns makes every subPackages entry a relative package
// pattern: "x" becomes "./x", so nothing can be read as a flag, an absolute
// path or a package outside the module. No entries means every package of
// the module ("./...", explicit false).
func normalizePatterns(patterns []string) (out []string, explicit bool, err error) {
	if len(patterns) == 0 {
		return []string{"./..."}, false, nil
	}
	out = make([]string, 0, len(patterns))
	for _, p := range patterns {
		clean := filepath.ToSlash(filepath.Clean(p))
		switch {
		case p == "":
			return nil, true, &Error{Kind: KindBadArgument, Argument: "subPackages", Message: "subPackages: empty package path"}
		case srcfs.Climbs(clean):
			return nil, true, &Error{Kind: KindBadArgument, Argument: "subPackages",
				Message: fmt.Sprintf("subPackages: %q is not a package path inside the module", p)}
		case clean == ".":
			out = append(out, ".")
		default:
			out = append(out, "./"+clean)
		}
	}
	return out, true, nil
}

// buildScript runs go build -n and parses its script.
func (g *goRunner) buildScript() ([]*section, error) {
	args := append([]string{"build", "-n", "-a", "-p", "1"}, g.buildFlags()...)
	args = append(args, "-o", filepath.Join(g.scratch, "bin")+"/", "--")
	args = append(args, g.cfg.Patterns...)
	_, script, err := g.run(args...)
	if err != nil && slices.Contains(scriptErrors(string(script), g.cfg.Dir), "go: no main packages to build") {
		// A library: compile its packages (and test them), link nothing.
		args = append([]string{"build", "-n", "-a", "-p", "1"}, g.buildFlags()...)
		_, script, err = g.run(append(append(args, "--"), g.cfg.Patterns...)...)
	}
	if err != nil {
		return nil, goBuildError("go build -n", script, err, g.cfg.Dir)
	}
	return parseScript(string(script), g.cfg.Dir)
}

func makeUnits(cfg *Config, toolEnv []string, pkgs []*Package, sections []*section, probes compilerProbes,
	pc map[string]*pkgConfigFlags) ([]*Unit, error) {
	byPath := map[string]*Package{}
	order := map[string]int{}
	for i, p := range pkgs {
		byPath[p.ImportPath] = p
		order[p.ImportPath] = i
	}
	ub := newUnitBuilder(cfg, toolEnv, sections, probes)
	ub.pkgConfigFlags = pc
	var compiles, links []*Unit
	for _, s := range sections {
		pkg := byPath[s.pkg]
		if pkg == nil {
			return nil, fmt.Errorf("plan: go build -n built %s, which go list did not report", s.pkg)
		}
		us, err := ub.units(s, pkg)
		if err != nil {
			return nil, err
		}
		compiles = append(compiles, us[0])
		links = append(links, us[1:]...)
	}
	slices.SortStableFunc(compiles, func(a, b *Unit) int { return order[a.ImportPath] - order[b.ImportPath] })
	return append(compiles, links...), nil
}

// checkPlaceholders refuses a module whose directory, file names or #cgo
// flags hold "$WORK": `go build -n` prints its work directory as $WORK,
// and these reach the commands where cmd/go writes paths, so such a string
// could not be told from it. (User flags are found by place, userflags.go.)
func checkPlaceholders(root string, pkgs []*Package) error {
	bad := func(s string) bool { return strings.Contains(s, "$WORK") }
	if bad(root) {
		return &Error{Kind: KindBadArgument, Argument: "src",
			Message: fmt.Sprintf("src %q: a path holding $WORK cannot be planned exactly", root)}
	}
	for _, p := range pkgs {
		if p.Standard {
			continue
		}
		for _, f := range slices.Concat([]string{p.Dir}, p.GoFiles, p.CgoFiles, p.CFiles, p.CXXFiles, p.HFiles, p.SFiles,
			p.SysoFiles, p.EmbedFiles, p.TestGoFiles, p.XTestGoFiles, p.TestEmbedFiles, p.XTestEmbedFiles,
			p.CgoCFLAGS, p.CgoCPPFLAGS, p.CgoCXXFLAGS, p.CgoFFLAGS, p.CgoLDFLAGS) {
			if bad(f) {
				return &Error{Kind: KindPackage, Package: p.ImportPath,
					Message: fmt.Sprintf("package %s: %q holds $WORK, which nix-gograph cannot tell from go build's work directory", p.ImportPath, f)}
			}
		}
	}
	return nil
}
