package plan

import (
	"fmt"
	"path/filepath"
	"strings"
)

// packagesExcluding lists the module's packages ("./...") and returns, as
// patterns, those whose directory relative to the module root ("./x/y")
// contains none of excluded — buildGoModule's excludedPackages.
func (g *goRunner) packagesExcluding(excluded []string) ([]string, error) {
	// A directory with only _test.go files (or none that build) is left
	// out, as go build leaves it out of "./...".
	args := append([]string{"list", "-e", "-f", "{{if or .GoFiles .CgoFiles}}{{.Dir}}{{end}}"}, g.buildFlags()...)
	all, _, err := g.cfg.patterns()
	if err != nil {
		return nil, err
	}
	out, stderr, err := g.run(append(append(args, "--"), all...)...)
	if err != nil {
		if pe := passThrough(err, KindGoList); pe != nil {
			return nil, pe
		}
		return nil, &Error{Kind: KindGoList, Message: "go list: " + err.Error()}
	}
	if err := noMatches(&Config{Dir: g.cfg.Dir, Workspace: g.cfg.Workspace, Patterns: all}, stderr); err != nil {
		return nil, err
	}
	var patterns []string
	for _, dir := range strings.Split(string(out), "\n") {
		if dir == "" {
			continue
		}
		rel, err := filepath.Rel(g.cfg.Dir, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		pattern := "./" + filepath.ToSlash(rel)
		if rel == "." {
			pattern = "."
		}
		if !containsAny(pattern, excluded) {
			patterns = append(patterns, pattern)
		}
	}
	if strings.TrimSpace(string(out)) == "" {
		return nil, &Error{Kind: KindPackageNotFound, Argument: "src",
			Message: fmt.Sprintf("src %s has no Go packages to build: no package has a non-test Go file that builds", g.cfg.Dir)}
	}
	if len(patterns) == 0 {
		return nil, &Error{Kind: KindBadArgument, Argument: "excludedPackages",
			Message: fmt.Sprintf("excludedPackages %q exclude every package of the module", excluded)}
	}
	return patterns, nil
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// checkMainPackages makes sure every subPackages entry without "..." names
// a main package: go build would compile anything else and install nothing.
func checkMainPackages(cfg *Config, pkgs []*Package) error {
	byDir := map[string]*Package{}
	for _, p := range pkgs {
		if !p.DepOnly {
			byDir[p.Dir] = p
		}
	}
	for _, pattern := range cfg.Patterns {
		if strings.Contains(pattern, "...") {
			continue
		}
		p := byDir[filepath.Join(cfg.Dir, pattern)]
		if p != nil && p.Name != "main" {
			return &Error{Kind: KindBadArgument, Argument: "subPackages", Package: p.ImportPath,
				Message: fmt.Sprintf("subPackages: %s is package %s (%s), not a main package; "+
					"subPackages lists the programs to build", pattern, p.Name, p.ImportPath)}
		}
	}
	return nil
}

// Patterns returns the package patterns cfg builds: its subPackages made
// relative ("./x"), or every package of the module ("./...") less those
// cfg.Excluded names.
func Patterns(cfg *Config) (_ []string, err error) {
	defer func() { err = boundError(err) }()
	patterns, explicit, err := cfg.patterns()
	if err != nil || explicit || len(cfg.Excluded) == 0 {
		return patterns, err
	}
	g, err := newGoRunner(cfg)
	if err != nil {
		return nil, err
	}
	defer g.close()
	if patterns, err = g.packagesExcluding(cfg.Excluded); err != nil {
		return nil, g.explainError(nil, err)
	}
	return patterns, nil
}

// checkTargets refuses a build with nothing to build: a subPackages entry
// naming a directory whose package has only _test.go files, or (every
// package of the module, or a "..." pattern) no package with non-test
// files when no tests are asked for. Patterns that match no package at all
// are go list's warnings (noMatches).
func checkTargets(cfg *Config, explicit bool, pkgs []*Package) error {
	testOnly := func(p *Package) bool {
		return len(p.GoFiles)+len(p.CgoFiles) == 0 && len(p.TestGoFiles)+len(p.XTestGoFiles) > 0
	}
	byDir := map[string]*Package{}
	var targets, onlyTests []string
	for _, p := range pkgs {
		if p.DepOnly {
			continue
		}
		byDir[p.Dir] = p
		if testOnly(p) {
			onlyTests = append(onlyTests, p.ImportPath)
		} else {
			targets = append(targets, p.ImportPath)
		}
	}
	if explicit {
		for _, pattern := range cfg.Patterns {
			if p := byDir[filepath.Join(cfg.Dir, pattern)]; p != nil && !strings.Contains(pattern, "...") && testOnly(p) {
				return &Error{Kind: KindBadArgument, Argument: "subPackages", Package: p.ImportPath,
					Message: fmt.Sprintf("subPackages: %s (%s) has only _test.go files: there is nothing to build", pattern, p.ImportPath)}
			}
		}
	}
	if len(targets) == 0 && len(onlyTests) > 0 && !cfg.Tests {
		return &Error{Kind: KindPackageNotFound, Argument: "src", Message: fmt.Sprintf(
			"src %s has no Go packages to build: %s has only _test.go files", cfg.Dir, strings.Join(onlyTests, ", "))}
	}
	return nil
}
