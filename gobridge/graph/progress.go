package graph

import (
	"context"
	"fmt"

	"golang.org/x/mod/modfile"
)

// Level is how verbose a progress report is, with the numbers of Nix's
// Verbosity (lvlError = 0 … lvlVomit = 7); Nix prints a report when its
// verbosity is at least the report's level.
type Level int

const (
	// LevelInfo is Nix's lvlInfo, printed by default by nix-build and
	// nix-instantiate (the nix command shows it in its progress bar).
	LevelInfo Level = 3
	// LevelTalkative is Nix's lvlTalkative, printed with -v.
	LevelTalkative Level = 4
)

// Progress receives what planning is doing while it does it: the shim
// passes it on to Nix's logger (docs/abi.md, "Progress"). Its methods may
// be called from any goroutine, and must return quickly.
type Progress interface {
	// Start reports that a step described by text (e.g. "fetching
	// example.com/m@v1.0.0 (3/62)") begins; it ends when stop is called.
	Start(level Level, text string) (stop func())
}

// withProgress is ctx carrying p, which the planning under ctx reports to.
func withProgress(ctx context.Context, p Progress) context.Context {
	if p == nil {
		return ctx
	}
	return context.WithValue(ctx, progressKey{}, p)
}

type progressKey struct{}

// startStep reports to ctx's Progress, if any, that the step text begins,
// and returns the function ending it (to be called once, even if ctx has
// none).
func startStep(ctx context.Context, level Level, text string) (stop func()) {
	p, _ := ctx.Value(progressKey{}).(Progress)
	if p == nil {
		return func() {}
	}
	return p.Start(level, text)
}

// fetchText is the progress text of fetching mod, the i-th (from 1) of n
// modules planning downloads.
func fetchText(mod string, i, n int) string {
	return fmt.Sprintf("fetching %s (%d/%d)", mod, i, n)
}

// planningText is the progress text of a planning step of the module in
// src, e.g. "planning example.com/x: running go list": named by its module
// path, or by src when go.mod cannot be read (planning says why).
func planningText(src, step string) string {
	name := src
	if data, err := readSrcFile(src, "go.mod"); err == nil {
		if path := modfile.ModulePath(data); path != "" {
			name = path
		}
	}
	return fmt.Sprintf("planning %s: %s", name, step)
}
