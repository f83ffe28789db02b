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
	args := append([]string{"list", "-e", "-f", "{{.Dir}}"}, g.buildFlags()...)
	out, _, err := g.run(append(args, "--", "./...")...)
	if err != nil {
		return nil, &Error{Kind: KindGoList, Message: "go list: " + err.Error()}
	}
	var patterns []string
	for _, dir := range strings.Fields(string(out)) {
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

// explainError rewords errors whose cause is an argument: an unknown goos
// or goarch, or a package that needs cgo while cgo is off.
func explainError(cfg *Config, pkgs []*Package, err error) error {
	if strings.Contains(err.Error(), "unsupported GOOS/GOARCH pair") {
		arg := "goarch"
		if cfg.GOOS != "" {
			arg = "goos"
		}
		return &Error{Kind: KindBadArgument, Argument: arg, Message: fmt.Sprintf(
			"goos %q, goarch %q: %s (`go tool dist list` lists the supported pairs)", cfg.GOOS, cfg.GOARCH,
			strings.TrimPrefix(err.Error(), "go env: "))}
	}
	if !cfg.CGO {
		for _, p := range pkgs {
			if file := cgoFile(p); file != "" && p.Error != nil {
				return &Error{Kind: KindNeedsCgo, Package: p.ImportPath, Message: fmt.Sprintf(
					"package %s needs cgo (%s imports \"C\") and has no pure-Go fallback, but cgo is off: "+
						"set env.CGO_ENABLED = 1", p.ImportPath, file)}
			}
		}
	}
	return err
}

// Patterns returns the package patterns cfg builds: its subPackages made
// relative ("./x"), or every package of the module ("./...") less those
// cfg.Excluded names.
func Patterns(cfg *Config) ([]string, error) {
	patterns, explicit, err := normalizePatterns(cfg.Patterns)
	if err != nil || explicit || len(cfg.Excluded) == 0 {
		return patterns, err
	}
	g, err := newGoRunner(cfg)
	if err != nil {
		return nil, err
	}
	defer g.close()
	return g.packagesExcluding(cfg.Excluded)
}
