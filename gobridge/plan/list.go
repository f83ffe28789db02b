package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// Package is what `go list -deps -json` says of one package.
type Package struct {
	// ImportPath is the package's import path; for a package go list
	// -test reports, its id ("p [q.test]", "q.test").
	ImportPath string
	// Name is the package name ("main" for a program).
	Name string
	// Dir is the package's directory (absolute).
	Dir string
	// Standard reports a package of the standard library.
	Standard bool
	// Module is the module the package belongs to; nil for the standard
	// library.
	Module *Module
	// GoFiles … EmbedFiles are the package's files the build reads,
	// relative to Dir (a test main's one GoFile is absolute, in go's
	// build cache).
	GoFiles    []string
	CgoFiles   []string
	CFiles     []string
	MFiles     []string // Objective-C
	FFiles     []string // Fortran
	CXXFiles   []string
	HFiles     []string
	SFiles     []string
	SysoFiles  []string
	EmbedFiles []string
	// CgoCFLAGS … CgoLDFLAGS are the package's #cgo directives.
	CgoCFLAGS, CgoCPPFLAGS, CgoCXXFLAGS, CgoFFLAGS, CgoLDFLAGS []string
	// CgoPkgConfig are the package's `#cgo pkg-config:` arguments.
	CgoPkgConfig []string
	// IgnoredGoFiles are Go files build constraints leave out.
	IgnoredGoFiles []string
	// TestGoFiles, XTestGoFiles and the embed files of tests, for
	// packages of the main module.
	TestGoFiles     []string
	XTestGoFiles    []string
	TestEmbedFiles  []string
	XTestEmbedFiles []string
	// ForTest is, for a package recompiled for a test binary, the package
	// under test (go list -test).
	ForTest string
	// Imports are the import paths the package imports (after vendoring).
	Imports []string
	// DepOnly reports a package that only a pattern's package depends on.
	DepOnly bool
	// Error is the package's own error, DepsErrors its dependencies'.
	Error      *PackageError
	DepsErrors []*PackageError
	// testMain is a test main's generated source (_testmain.go).
	testMain string
}

// Module is the module a package belongs to.
type Module struct {
	// Path and Version are the module path and version ("" for the main
	// module).
	Path    string
	Version string
	// Main reports the main module (src).
	Main bool
	// Dir is the module's directory.
	Dir string
	// Replace is the module that replaces this one, if any.
	Replace *Module
}

// PackageError is a go list error attached to a package.
type PackageError struct {
	// ImportStack is the shortest path from a pattern's package to this
	// one.
	ImportStack []string
	// Pos is the error's position ("file:line:col"), if it has one.
	Pos string
	// Err is the error's text.
	Err string
}

// SourceFiles are the files of the package's directory the build reads,
// relative to Dir: for a package recompiled for a test, its tests' embedded
// files too.
func (p *Package) SourceFiles() []string {
	lists := [][]string{p.GoFiles, p.CgoFiles, p.CFiles, p.CXXFiles, p.HFiles, p.SFiles, p.SysoFiles, p.EmbedFiles}
	if p.ForTest != "" {
		lists = append(lists, p.TestEmbedFiles, p.XTestEmbedFiles)
	}
	var files []string
	for _, list := range lists {
		files = append(files, list...)
	}
	return files
}

var listFields = "ImportPath,Name,Dir,Standard,Module,GoFiles,CgoFiles,CFiles,MFiles,FFiles,CXXFiles,HFiles,SFiles,SysoFiles," +
	"EmbedFiles,IgnoredGoFiles,TestGoFiles,XTestGoFiles,TestEmbedFiles,XTestEmbedFiles,ForTest,Imports,DepOnly,Error,DepsErrors," +
	"CgoCFLAGS,CgoCPPFLAGS,CgoCXXFLAGS,CgoFFLAGS,CgoLDFLAGS,CgoPkgConfig"

// list runs go list -deps on the patterns; packages come dependencies first.
func (g *goRunner) list() ([]*Package, error) {
	return g.listPackages([]string{"-deps"}, g.cfg.Patterns)
}

// listPackages runs go list -e -json with extra flags on patterns and
// decodes the packages it prints.
func (g *goRunner) listPackages(flags, patterns []string) ([]*Package, error) {
	args := append(append([]string{"list", "-e"}, flags...), "-json="+listFields)
	args = append(append(append(args, g.buildFlags()...), "--"), patterns...)
	out, stderr, err := g.run(args...)
	if err != nil {
		if pe := passThrough(err, KindGoList); pe != nil {
			return nil, pe
		}
		return nil, &Error{Kind: KindGoList, Message: "go list: " + err.Error()}
	}
	if err := noMatches(g.cfg, stderr); err != nil {
		return nil, err
	}
	var pkgs []*Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("plan: decoding go list output: %w", err)
		}
		pkgs = append(pkgs, &p)
	}
	return pkgs, checkListErrors(pkgs)
}

// noMatch is go's warning for a pattern that matches no package.
var noMatch = regexp.MustCompile(`(?m)^go: warning: "(.*)" matched no packages$`)

// noMatches reports the first pattern go's stderr warns matched no
// package: "./..." as src having no packages, any other as the
// subPackages entry it is. Every package of a workspace (cfg's patterns
// are Workspace.Patterns) leaves out a module with none, as go build does
// with a warning, unless no module has any.
func noMatches(cfg *Config, stderr []byte) error {
	ms := noMatch.FindAllSubmatch(stderr, -1)
	if ws := cfg.Workspace; ws != nil && len(ms) > 0 && slices.Equal(cfg.Patterns, ws.Patterns()) {
		if len(ms) < len(cfg.Patterns) {
			return nil
		}
		return &Error{Kind: KindPackageNotFound, Argument: "src",
			Message: fmt.Sprintf("src %s has no Go packages to build (no module of its go.work has one)", cfg.Dir)}
	}
	switch {
	case len(ms) == 0:
		return nil
	case string(ms[0][1]) == "./...":
		return &Error{Kind: KindPackageNotFound, Argument: "src",
			Message: fmt.Sprintf("src %s has no Go packages to build (\"./...\" matched no packages)", cfg.Dir)}
	default:
		return &Error{Kind: KindPackageNotFound, Argument: "subPackages", Package: string(ms[0][1]),
			Message: fmt.Sprintf("subPackages: %q matched no packages", ms[0][1])}
	}
}

// checkListErrors turns the first package error into a plan Error naming the
// package.
func checkListErrors(pkgs []*Package) error {
	for _, p := range pkgs {
		if p.Error == nil {
			continue
		}
		kind := KindPackage
		msg := p.Error.Err
		switch {
		case strings.Contains(msg, "import cycle not allowed"):
			kind = KindImportCycle
			if len(p.Error.ImportStack) > 0 {
				msg += ": " + strings.Join(p.Error.ImportStack, " -> ")
			}
		case strings.Contains(msg, "directory not found") || strings.Contains(msg, "cannot find") ||
			strings.Contains(msg, "no Go files") || strings.Contains(msg, "is not in std") ||
			strings.Contains(msg, "does not contain package") || strings.Contains(msg, "no required module") ||
			strings.HasPrefix(p.ImportPath, ".") && strings.Contains(msg, "no such file or directory"):
			kind = KindPackageNotFound
		}
		if p.Error.Pos != "" && !strings.Contains(msg, p.Error.Pos) {
			msg = p.Error.Pos + ": " + msg
		}
		if strings.HasPrefix(p.ImportPath, ".") {
			// A subPackages entry that names no package.
			return &Error{Kind: kind, Argument: "subPackages", Package: p.ImportPath,
				Message: fmt.Sprintf("subPackages: no Go package at %q: %s", p.ImportPath, msg)}
		}
		return &Error{Kind: kind, Package: p.ImportPath, Message: fmt.Sprintf("package %s: %s", p.ImportPath, msg)}
	}
	return nil
}

// Error is a planning failure that names its culprit.
type Error struct {
	// Kind classifies the failure (the "kind" of an error response).
	Kind ErrorKind
	// Message is the whole message, naming the culprit.
	Message string
	// Package is the package (or module@version) to blame, if any.
	Package string
	// Argument is the argument of builtins.goPackageGraph to blame, if
	// any.
	Argument string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }
