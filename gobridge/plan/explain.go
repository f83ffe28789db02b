package plan

// This file rewords the go command's errors whose cause is an argument of
// builtins.goPackageGraph, so that the error names that argument: an
// unknown goos or goarch, a go.mod asking for a newer Go than the
// toolchain, a package that needs cgo while cgo is off.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// explainError rewords err, an error of the go command, when its cause is
// an argument; pkgs are what go list reported, if it ran.
func (g *goRunner) explainError(pkgs []*Package, err error) error {
	msg := err.Error()
	if m := unsupportedPair.FindStringSubmatch(msg); m != nil {
		return g.platformError(m[0], m[1], m[2])
	}
	if g.cfg.GOOS != "" || g.cfg.GOARCH != "" {
		// A pair cmd/go lets through (windows/riscv64) and then fails on
		// otherwise ("default PIE binary requires external (cgo) linking").
		if goos, goarch, ok := g.unlistedPair(); ok {
			return g.platformError(fmt.Sprintf("unsupported GOOS/GOARCH pair %s/%s", goos, goarch), goos, goarch)
		}
	}
	if m := needsNewerGo.FindStringSubmatch(msg); m != nil {
		what := m[1]
		if what == "go.mod" {
			what = "src's go.mod"
		}
		return &Error{Kind: KindBadArgument, Argument: "go", Message: fmt.Sprintf(
			"%s requires go >= %s, but the toolchain go (%s) is go %s: pass a Go %s or later toolchain as go "+
				"(nix-gograph never downloads one: GOTOOLCHAIN=local)", what, m[2], g.cfg.GoRoot, m[3], m[2])}
	}
	if !g.cfg.CGO {
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

var (
	// unsupportedPair is cmd/go's error for a GOOS/GOARCH it cannot build for.
	unsupportedPair = regexp.MustCompile(`unsupported GOOS/GOARCH pair ([^/\s;]+)/([^\s;]+)`)
	// needsNewerGo is cmd/go's error (gover.TooNewError) for a go.mod —
	// the main module's ("go.mod"), or a dependency's ("module m@v",
	// "m@v", "m in vendor/modules.txt") — asking for a newer Go than the
	// toolchain, which GOTOOLCHAIN=local forbids switching.
	needsNewerGo = regexp.MustCompile(`(?m)(?:^|: )([^:\n]+) requires go >= (\S+) \(running go ([^;)\s]+)`)
)

// platformError blames the argument that makes goos/goarch a pair the
// toolchain cannot build for, with cmd/go's message goMsg: the one that
// names no GOOS or GOARCH the toolchain knows (`go tool dist list`), else
// the one the user set (goarch if both were).
func (g *goRunner) platformError(goMsg, goos, goarch string) *Error {
	pairs := g.platforms()
	var oses, arches []string // what goes with goarch, with goos
	knownOS, knownArch := false, false
	for _, p := range pairs {
		knownOS = knownOS || p[0] == goos
		knownArch = knownArch || p[1] == goarch
		if p[1] == goarch {
			oses = append(oses, p[0])
		}
		if p[0] == goos {
			arches = append(arches, p[1])
		}
	}
	arg, value, hint := "goarch", goarch, ""
	switch {
	case pairs == nil:
		if g.cfg.GOARCH == "" {
			arg, value = "goos", goos
		}
	case !knownOS:
		arg, value, hint = "goos", goos, fmt.Sprintf("the toolchain knows no GOOS %q", goos)
	case !knownArch:
		hint = fmt.Sprintf("the toolchain knows no GOARCH %q", goarch)
	case g.cfg.GOARCH == "":
		arg, value, hint = "goos", goos, fmt.Sprintf("goos %s goes with goarch %s", goos, strings.Join(arches, ", "))
	default:
		hint = fmt.Sprintf("goarch %s goes with goos %s", goarch, strings.Join(oses, ", "))
	}
	if hint != "" {
		hint += "; "
	}
	return &Error{Kind: KindBadArgument, Argument: arg, Message: fmt.Sprintf(
		"%s %q: %s (%s`go tool dist list` lists the supported pairs)", arg, value, goMsg, hint)}
}

// unlistedPair returns the GOOS and GOARCH go builds for, if `go tool dist
// list` does not list them.
func (g *goRunner) unlistedPair() (goos, goarch string, ok bool) {
	out, _, err := g.run("env", "GOOS", "GOARCH")
	if err != nil {
		return "", "", false
	}
	goos, goarch, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
	pairs := g.platforms()
	return goos, goarch, pairs != nil && !slices.Contains(pairs, [2]string{goos, goarch})
}

// platforms are the GOOS/GOARCH pairs the toolchain supports (`go tool
// dist list`), nil if it cannot say.
func (g *goRunner) platforms() [][2]string {
	out, _, err := g.run("tool", "dist", "list")
	if err != nil {
		return nil
	}
	var pairs [][2]string
	for _, line := range strings.Fields(string(out)) {
		if goos, goarch, ok := strings.Cut(line, "/"); ok {
			pairs = append(pairs, [2]string{goos, goarch})
		}
	}
	return slices.Clip(pairs)
}
