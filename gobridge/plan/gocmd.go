// Package plan asks a Go toolchain how it would build a module — `go list
// -deps -json` for the package graph, `go build -n` for the exact commands —
// and turns the answer into one action.Action per package and per binary.
//
// Every go invocation runs with a cleared environment, GOTOOLCHAIN=local (no
// toolchain downloads), GOFLAGS=-mod=readonly, GOWORK=off (or src's
// go.work, Config.Workspace), GOENV=off,
// GOPROXY=off and "--" before package patterns, so nothing a user controls
// becomes a flag or an executable. With Config.Sandbox, go and the C
// compiler probes run in a sandbox (package sandbox) that sees only the
// toolchain, src, the modules and a scratch directory.
package plan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nix-gograph/nix-gograph/gobridge/sandbox"
)

// Config is what changes how a module is built.
type Config struct {
	// GoRoot is the toolchain's GOROOT; <GoRoot>/bin/go is run.
	GoRoot string
	// Dir is the module root (holding go.mod).
	Dir string
	// Patterns are package patterns relative to Dir, e.g. "." or "./cmd/x".
	Patterns []string
	// Tags are the build tags (-tags, joined with commas).
	Tags []string
	// Ldflags, Gcflags and Asmflags are the -ldflags, -gcflags and
	// -asmflags, each joined with spaces into one value (BuildFlags).
	Ldflags  []string
	Gcflags  []string
	Asmflags []string
	// GOOS and GOARCH are empty for the toolchain's defaults.
	GOOS, GOARCH string
	// CGO sets CGO_ENABLED=1.
	CGO bool
	// CC is the C compiler (an absolute path) when CGO is set.
	CC string
	// PkgConfig is the pkg-config program (an absolute path) the planner
	// runs for `#cgo pkg-config:` lines (pkgconfig.go); "" for none.
	PkgConfig string
	// GoEnv are Go build settings of the environment (GOAMD64=v3,
	// GOEXPERIMENT=…), each named in GoEnvNames: go sees them while
	// planning, and builds through the toolchain's `go env` (toolEnv).
	GoEnv map[string]string
	// Libraries are the C libraries cgo packages use (store paths, each
	// with include/, lib/ and lib/pkgconfig/ or share/pkgconfig/): they
	// are pkg-config's only search path (PKG_CONFIG_LIBDIR), and cgo
	// compiles and links outside the standard library get them as the C
	// compiler's CPATH and LIBRARY_PATH.
	Libraries []string
	// Excluded drops, when Patterns is empty (every package of the
	// module), the packages whose directory contains one of these strings.
	Excluded []string
	// ModCache is the GOMODCACHE go plans against (with GOPROXY=off): a
	// view of the third-party modules' store paths; "" for none.
	ModCache string
	// ModuleDirs maps each module directory in ModCache to its store path.
	ModuleDirs map[string]string
	// Tests also plans the test binaries of the planned main-module
	// packages that have tests.
	Tests bool
	// Vendor plans with the module's vendor/ directory (-mod=vendor).
	Vendor bool
	// Workspace, if set, is the go.work at Dir (ReadWorkspace): go plans
	// in workspace mode (GOWORK=<Dir>/go.work) and Patterns may name
	// packages of any workspace module; nil plans with GOWORK=off.
	Workspace *Workspace
	// LinkObj splits every compile in two outputs (compile -linkobj, as
	// Bazel's rules_go does): the export data importers' compiles read,
	// and the linker's object links read, so that importers depend only on
	// a package's API (early cutoff with content-addressed derivations).
	LinkObj bool
	// Sandbox, if enabled, runs every process planning starts in a
	// sandbox; its ReadOnly paths are visible there besides GoRoot, Dir,
	// ModCache and the module store paths of ModuleDirs. nil runs them
	// directly, as the gograph command and the IFD planner do (they run
	// inside Nix's build sandbox already).
	Sandbox *sandbox.Spec
	// Context cancels planning: the processes it started are killed and
	// Plan returns an error. nil is context.Background().
	Context context.Context
}

// compilerConcurrency is the -c=N every compile gets: fixed, so plans made on
// machines with different core counts are the same derivations.
const compilerConcurrency = "4"

// goRunner runs the toolchain's go command with a private scratch
// directory.
type goRunner struct {
	cfg *Config
	// base holds scratch, the one directory go may write to, and, beside
	// it where go cannot replace it, the sandbox's root mount point.
	base, scratch string
	sandbox       *sandbox.Spec
	// pkgConfigRuns are pkg-config's answers by `#cgo pkg-config:`
	// arguments, so the build's packages and their test variants ask once.
	pkgConfigRuns map[string]*pkgConfigFlags
}

func newGoRunner(cfg *Config) (*goRunner, error) {
	if err := CheckFlags(cfg); err != nil {
		return nil, err
	}
	base, err := os.MkdirTemp("", "gograph-plan-")
	if err != nil {
		return nil, err
	}
	g := &goRunner{cfg: cfg, base: base, scratch: filepath.Join(base, "work")}
	root := filepath.Join(base, "root")
	for _, d := range []string{g.scratch, root} {
		if err := os.Mkdir(d, 0o700); err != nil {
			g.close()
			return nil, err
		}
	}
	if err := telemetryOff(g.scratch); err != nil {
		g.close()
		return nil, err
	}
	if s := cfg.Sandbox; s != nil && s.Enabled {
		ro := slices.Concat(s.ReadOnly, []string{cfg.GoRoot, cfg.Dir})
		if cfg.ModCache != "" {
			ro = append(ro, cfg.ModCache)
		}
		for _, storePath := range cfg.ModuleDirs {
			// Modules not in the store yet are in the view's scratch.
			if _, err := os.Lstat(storePath); err == nil {
				ro = append(ro, storePath)
			}
		}
		slices.Sort(ro)
		g.sandbox = &sandbox.Spec{Enabled: true, Helper: s.Helper, Root: root,
			ReadOnly: slices.Compact(ro), Writable: []string{g.scratch}}
	}
	return g, nil
}

func (g *goRunner) close() { removeAll(g.base) }

// removeAll removes dir and everything in it, even what a program made
// unwritable (a directory of mode 0500 cannot be emptied): if removing
// fails, it makes every directory under dir writable and tries again.
func removeAll(dir string) error {
	if os.RemoveAll(dir) == nil {
		return nil
	}
	// WalkDir calls the function on a directory before it reads it, so an
	// unreadable one is made readable in time, and it follows no symlink:
	// only directories under dir change.
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if info, err := d.Info(); err == nil && info.Mode().Perm()&0o700 != 0o700 {
				os.Chmod(path, info.Mode().Perm()|0o700)
			}
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// telemetryOff turns Go telemetry off for a go whose HOME is home. The
// GOTELEMETRY variable is only reported by go env: the mode is read from
// the user's config directory (what `go telemetry off` writes). Left on
// ("local"), go counts into HOME and starts a child process that outlives
// it and writes there while the scratch directory is removed.
func telemetryOff(home string) error {
	dir := filepath.Join(home, ".config", "go", "telemetry")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "mode"), []byte("off\n"), 0o600)
}

// ctx is the planning context.
func (g *goRunner) ctx() context.Context {
	if g.cfg.Context != nil {
		return g.cfg.Context
	}
	return context.Background()
}

// env is the complete environment of every go invocation.
func (g *goRunner) env() []string {
	cgo := "0"
	if g.cfg.CGO {
		cgo = "1"
	}
	env := []string{
		"PATH=" + filepath.Join(g.cfg.GoRoot, "bin"),
		"HOME=" + g.scratch,
		"TMPDIR=" + g.scratch,
		"GOCACHE=" + filepath.Join(g.scratch, "cache"),
		"GOPATH=" + filepath.Join(g.scratch, "gopath"),
		"GOTOOLCHAIN=local",
		"GOFLAGS=" + g.modFlag(),
		"GOWORK=" + g.cfg.GoWork(),
		"GOENV=off",
		"GOPROXY=off",
		"GOSUMDB=off",
		"GO111MODULE=on",
		"GOTELEMETRY=off", // informative only: see telemetryOff
		"GOMAXPROCS=" + compilerConcurrency,
		"CGO_ENABLED=" + cgo,
	}
	if g.cfg.CGO && g.cfg.CC != "" {
		env = append(env, "CC="+g.cfg.CC)
	}
	if g.cfg.CGO {
		env = append(env, g.cfg.LibraryEnv()...)
	}
	for _, name := range slices.Sorted(maps.Keys(g.cfg.GoEnv)) {
		env = append(env, name+"="+g.cfg.GoEnv[name])
	}
	if g.cfg.ModCache != "" {
		env = append(env, "GOMODCACHE="+g.cfg.ModCache)
	}
	if g.cfg.GOOS != "" {
		env = append(env, "GOOS="+g.cfg.GOOS)
	}
	if g.cfg.GOARCH != "" {
		env = append(env, "GOARCH="+g.cfg.GOARCH)
	}
	return env
}

// GoWork is GOWORK for cfg: the workspace's go.work, or off.
func (cfg *Config) GoWork() string {
	if cfg.Workspace == nil {
		return "off"
	}
	return filepath.Join(cfg.Dir, "go.work")
}

// modFlag is the -mod flag: the vendor directory if it is used, else
// go.mod and go.sum as they are.
func (g *goRunner) modFlag() string {
	if g.cfg.Vendor {
		return "-mod=vendor"
	}
	return "-mod=readonly"
}

// run runs go with args in the module directory (in the sandbox, if there
// is one) and returns its stdout and stderr. A non-zero exit is an error
// carrying stderr; a sandbox that cannot run go is an Error of kind
// KindSandbox, and a cancelled Context one of kind KindInterrupted.
func (g *goRunner) run(args ...string) (stdout, stderr []byte, err error) {
	program := filepath.Join(g.cfg.GoRoot, "bin", "go")
	var out, errb bytes.Buffer
	if err := g.exec(g.cfg.Dir, &out, &errb, program, args...); err != nil {
		var tooMuch *outputLimitError
		if _, ok := err.(*Error); ok || errors.As(err, &tooMuch) {
			return out.Bytes(), errb.Bytes(), err
		}
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return out.Bytes(), errb.Bytes(), fmt.Errorf("%s", msg)
	}
	return out.Bytes(), errb.Bytes(), nil
}

// Bounds on what is kept of a program's output. `go build -n` of a big
// program prints a script of several MB, on stderr; go list -json prints
// as much on stdout. Anything else has little to say on stderr. (Variables
// for the tests.)
var (
	maxOutput = 256 << 20
	maxErrors = 1 << 20
)

// exec runs program with args in dir with go's environment, in the
// sandbox if there is one. Besides the program's own failure, it returns
// an *Error of kind KindSandbox or KindInterrupted (see run), or an
// *outputLimitError if the program printed more than it may.
func (g *goRunner) exec(dir string, stdout, stderr *bytes.Buffer, program string, args ...string) error {
	ctx := g.ctx()
	if ctx.Err() != nil {
		return interrupted()
	}
	errLimit := maxErrors
	if program == filepath.Join(g.cfg.GoRoot, "bin", "go") && len(args) > 0 && (args[0] == "build" || args[0] == "test") {
		errLimit = maxOutput // the script
	}
	outW := &limitedWriter{w: stdout, left: maxOutput}
	errW := &limitedWriter{w: stderr, left: errLimit}
	cmd := g.sandbox.Command(ctx, dir, g.env(), program, args...)
	cmd.Stdout, cmd.Stderr = outW, errW
	err := cmd.Run()
	switch {
	case err == nil && !outW.over && !errW.over:
		return nil
	case ctx.Err() != nil:
		return interrupted()
	case outW.over:
		return &outputLimitError{program: program, args: args, stream: "stdout", limit: maxOutput}
	case errW.over:
		return &outputLimitError{program: program, args: args, stream: "stderr", limit: errLimit}
	}
	var serr *sandbox.Error
	if errors.As(err, &serr) {
		return &Error{Kind: KindSandbox, Message: serr.Error()}
	}
	return err
}

// limitedWriter writes to w at most left bytes; past them it fails, which
// makes os/exec stop reading the program's output (it then gets EPIPE).
type limitedWriter struct {
	w    io.Writer
	left int
	over bool
}

// Write writes p to w, or as much of it as the bound leaves and then
// fails with errOutputLimit.
func (l *limitedWriter) Write(p []byte) (int, error) {
	if len(p) > l.left {
		l.over = true
		n, _ := l.w.Write(p[:l.left])
		l.left -= n
		return n, errOutputLimit
	}
	n, err := l.w.Write(p)
	l.left -= n
	return n, err
}

// errOutputLimit stops os/exec's copying of an output over its bound.
var errOutputLimit = errors.New("output limit reached")

// outputLimitError is a program's output over limitedWriter's bound.
type outputLimitError struct {
	program string
	args    []string
	stream  string
	limit   int
}

// Error names the command, the stream and the bound.
func (e *outputLimitError) Error() string {
	cmd := e.program
	if len(e.args) > 0 {
		cmd += " " + e.args[0]
	}
	size := fmt.Sprintf("%d bytes", e.limit)
	if e.limit%(1<<20) == 0 {
		size = fmt.Sprintf("%d MiB", e.limit>>20)
	}
	return fmt.Sprintf("%s printed more than %s on %s, more than nix-gograph reads of it", cmd, size, e.stream)
}

// passThrough returns err as it is if it must reach Plan's caller
// unchanged, whatever command failed: a sandbox that cannot run the
// command, an interruption, or output over its bound (reported naming
// the command, with kind). It returns nil for any other error.
func passThrough(err error, kind ErrorKind) *Error {
	var pe *Error
	if errors.As(err, &pe) && (pe.Kind == KindSandbox || pe.Kind == KindInterrupted) {
		return pe
	}
	var tooMuch *outputLimitError
	if errors.As(err, &tooMuch) {
		return &Error{Kind: kind, Message: tooMuch.Error()}
	}
	return nil
}

// interrupted is the error of planning cancelled by Config.Context.
func interrupted() error {
	return &Error{Kind: KindInterrupted, Message: "nix-gograph: planning was interrupted"}
}

// buildFlags are the flags go list and go build share.
func (g *goRunner) buildFlags() []string { return BuildFlags(g.cfg) }

// BuildFlags are the go build flags cfg asks for (-trimpath and
// -buildvcs=false always), as nixpkgs' buildGoModule passes them: tags
// joined with commas, and each of ldflags, gcflags and asmflags joined with
// spaces into one value that cmd/go splits again (SplitFlags). CheckFlags
// reports the lists cmd/go would reject or misread.
func BuildFlags(cfg *Config) []string {
	flags := []string{"-trimpath", "-buildvcs=false"}
	if len(cfg.Tags) > 0 {
		flags = append(flags, "-tags="+strings.Join(cfg.Tags, ","))
	}
	if len(cfg.Ldflags) > 0 {
		flags = append(flags, "-ldflags="+joinFlags(cfg.Ldflags))
	}
	if len(cfg.Gcflags) > 0 {
		flags = append(flags, "-gcflags="+joinFlags(cfg.Gcflags))
	}
	if len(cfg.Asmflags) > 0 {
		flags = append(flags, "-asmflags="+joinFlags(cfg.Asmflags))
	}
	return flags
}

// toolEnv is the environment the go command gives the tools it runs (the
// variables of `go env` that steer compile, asm and link).
func (g *goRunner) toolEnv() ([]string, error) {
	names := slices.Concat([]string{"GOOS", "GOARCH"}, GoEnvNames, []string{"CGO_ENABLED", "GOROOT"})
	out, _, err := g.run(append([]string{"env"}, names...)...)
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	values := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(values) != len(names) {
		return nil, fmt.Errorf("go env: got %d values for %d variables", len(values), len(names))
	}
	env := make([]string, 0, len(names)+1)
	for i, n := range names {
		env = append(env, n+"="+values[i])
	}
	return append(env, "TERM=dumb"), nil
}
