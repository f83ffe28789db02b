package plan

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/mod/modfile"
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
}

// Plan asks cfg's toolchain how to build cfg's packages.
func Plan(cfg *Config) (*Result, error) {
	root, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	cfg.Dir = filepath.Clean(root)
	modulePath, goVersion, err := readGoMod(cfg.Dir)
	if err != nil {
		return nil, err
	}
	patterns, explicit, err := normalizePatterns(cfg.Patterns)
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
			return nil, err
		}
	}
	// The three go invocations are independent: run them at once.
	var (
		wg                    sync.WaitGroup
		toolEnv               []string
		pkgs                  []*Package
		sections              []*section
		envErr, listErr, bErr error
	)
	wg.Add(3)
	go func() { defer wg.Done(); toolEnv, envErr = g.toolEnv() }()
	go func() { defer wg.Done(); pkgs, listErr = g.list() }()
	go func() { defer wg.Done(); sections, bErr = g.buildScript() }()
	wg.Wait()
	// go list's errors name packages best, so they win.
	if err := cmp.Or(listErr, envErr, bErr); err != nil {
		return nil, explainError(cfg, pkgs, err)
	}
	if err := checkPlaceholders(cfg.Dir, pkgs); err != nil {
		return nil, err
	}
	if explicit {
		if err := checkMainPackages(cfg, pkgs); err != nil {
			return nil, err
		}
	}
	units, err := makeUnits(cfg, toolEnv, pkgs, sections, g.probeCompiler(sections))
	if err != nil {
		return nil, err
	}
	res := &Result{ModulePath: modulePath, GoVersion: goVersion, Packages: pkgs, Units: units}
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

func readGoMod(dir string) (modulePath, goVersion string, err error) {
	file := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return "", "", &Error{Kind: KindNoModule, Argument: "src",
			Message: fmt.Sprintf("src %s has no go.mod (it must be the root of a Go module)", dir)}
	} else if err != nil {
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
		case filepath.IsAbs(p) || clean == ".." || strings.HasPrefix(clean, "../"):
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
	if err != nil && strings.Contains(err.Error(), "no main packages to build") {
		// A library: compile its packages (and test them), link nothing.
		args = append([]string{"build", "-n", "-a", "-p", "1"}, g.buildFlags()...)
		_, script, err = g.run(append(append(args, "--"), g.cfg.Patterns...)...)
	}
	if err != nil {
		return nil, &Error{Kind: KindGoBuild, Message: "go build -n: " + err.Error()}
	}
	return parseScript(string(script), g.cfg.Dir)
}

func makeUnits(cfg *Config, toolEnv []string, pkgs []*Package, sections []*section, probes compilerProbes) ([]*Unit, error) {
	byPath := map[string]*Package{}
	order := map[string]int{}
	for i, p := range pkgs {
		byPath[p.ImportPath] = p
		order[p.ImportPath] = i
	}
	ub := newUnitBuilder(cfg, toolEnv, sections, probes)
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
