// Package action defines the unit of work of one nix-gograph derivation: the
// steps `go build` would run for one package (compile, assemble, pack) or for
// one binary (link), with every path made relative to two variables the
// builder fills in at build time:
//
//	$WORK  the builder's scratch directory (as in `go build -n` output)
//	$out   the derivation's output directories (only in Install: To is
//	       relative to the output Install.Output names)
//
// Every string of an Action except Package and Mode is such a template:
// "$$" stands for one "$" (Literal), so strings the user wrote ("-X
// main.v=$WORK/x") reach the tools unchanged.
//
// The planner (package plan) writes Actions; the builder (package builder)
// runs them inside the Nix sandbox. Actions are JSON so they can travel in a
// derivation's environment.
package action

import "strings"

// WorkVar is the placeholder for the builder's scratch directory.
const WorkVar = "$WORK"

// Action is everything one derivation does.
type Action struct {
	// Package is the import path being compiled, or the main package being
	// linked; it only names the work in messages.
	Package string `json:"package"`
	// Mode is "compile" or "link".
	Mode string `json:"mode"`
	// Sources are store paths whose files are copied under Dir before any
	// step runs (the package's own source files).
	Sources []Source `json:"sources,omitempty"`
	// Env is the environment every Run step starts from (the toolchain's
	// `go env`), before the step's own Env.
	Env []string `json:"env,omitempty"`
	// Steps run in order; the first failure fails the derivation.
	Steps []Step `json:"steps"`
}

// Source is a store path copied, recursively, into Dir.
type Source struct {
	Dir       string `json:"dir"`
	StorePath string `json:"storePath"`
}

// Step is exactly one of its fields.
type Step struct {
	Mkdir   string   `json:"mkdir,omitempty"`
	Write   *Write   `json:"write,omitempty"`
	Run     *Run     `json:"run,omitempty"`
	Pack    *Pack    `json:"pack,omitempty"`
	Copy    *Copy    `json:"copy,omitempty"`
	Install *Install `json:"install,omitempty"`
}

// Copy copies the file From to To (both absolute, usually under $WORK).
type Copy struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Write creates File with Content.
type Write struct {
	File    string `json:"file"`
	Content string `json:"content"`
}

// Run runs Args[0] (an absolute path to a toolchain tool, or a C compiler)
// in Dir with Env added to the action's environment.
type Run struct {
	Dir  string   `json:"dir"`
	Env  []string `json:"env,omitempty"`
	Args []string `json:"args"`
}

// Pack appends Objects to the Go archive Archive, as `go tool pack r` did
// before cmd/go took packing in-process.
type Pack struct {
	Archive string   `json:"archive"`
	Objects []string `json:"objects"`
}

// Install copies From to To, a path relative to the output Output ("out"
// if empty).
type Install struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Executable bool   `json:"executable,omitempty"`
	Output     string `json:"output,omitempty"`
}

// ExportOutput is the output of a compile split in two (Install.Output)
// that holds the package's export data, which importers' compiles read;
// its "out" then holds the linker's object, which links read.
const ExportOutput = "export"

// ArchiveName is the file a compile derivation leaves in $out: the
// package's archive, as importcfg files of its dependents name it (split,
// the linker's object in $out and the export data in $export).
const ArchiveName = "pkg.a"

// Literal is s as a template that stands for s itself: every string of an
// Action is a template in which "$WORK" is the builder's scratch directory
// and "$$" a "$", so a "$" the user wrote is never read as a placeholder.
func Literal(s string) string { return strings.ReplaceAll(s, "$", "$$") }
