// Package gobuild is mode "monolithic": the whole program built by one
// plain `go build` in one derivation, against a module-cache view of the
// third-party modules' store paths, optionally starting from the Go build
// cache of a checkpoint and saving its own (prepareCheckpointBuild /
// mkCheckpointBuild). With Check, `go test` then runs the tests of the
// packages built, as buildGoModule's checkPhase does, in a writable copy
// of the source.
//
// Go's build cache is keyed by hashes of every input of every action, so a
// restored cache can only save work, never change a result — provided its
// entries are what they claim to be. Output files are named by the sha256
// of their content, so restoring checks each one and leaves out any that
// does not match (a damaged checkpoint costs a rebuild, never a wrong
// binary); a checkpoint without its record is an error naming it.
package gobuild

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/nix-gograph/nix-gograph/gobridge/graph"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// Request is what the monolithic derivation passes (as JSON).
type Request struct {
	graph.IFDRequest
	// Out is the derivation's output: bin/ gets the programs.
	Out string `json:"out"`
	// Checkpoint is a checkpoint to start from ("" for none).
	Checkpoint string `json:"checkpoint"`
	// SaveCheckpoint makes Out also hold the build cache and its record
	// (Out/checkpoint).
	SaveCheckpoint bool `json:"saveCheckpoint"`
	// Check runs `go test` of the packages built, with CheckFlags (go
	// test's flags: "-run=…", "-short", …) after the build flags.
	Check      bool     `json:"check"`
	CheckFlags []string `json:"checkFlags"`
}

// Record describes what a checkpoint was built from.
type Record struct {
	GoVersion string   `json:"goVersion"`
	Src       string   `json:"src"`
	Flags     []string `json:"flags"`
	Patterns  []string `json:"patterns"`
	Modules   []string `json:"modules"`
	// Compiled are the packages the build compiled (go build -v).
	Compiled []string `json:"compiled"`
}

// checkpointDir is where a checkpoint keeps the cache and its record.
const checkpointDir = "checkpoint"

// Run builds req, logging go's output to log.
func Run(req *Request, log io.Writer) error {
	scratch, err := os.MkdirTemp("", "gograph-go-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	cache := filepath.Join(scratch, "gocache")
	if req.Checkpoint != "" {
		kept, dropped, err := restoreCache(req.Checkpoint, cache)
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "gograph: restored %d build cache entries from checkpoint %s (%d damaged, left out)\n",
			kept, req.Checkpoint, dropped)
	}
	cmd, args, err := req.command(scratch, cache)
	if err != nil {
		return err
	}
	compiled, err := runLogged(cmd, log)
	if err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	fmt.Fprintf(log, "gograph: go build compiled %d packages\n", len(compiled))
	if req.Check {
		if err := req.test(cmd, args, scratch, log); err != nil {
			return err
		}
	}
	if !req.SaveCheckpoint {
		return nil
	}
	version := exec.Command(cmd.Path, "env", "GOVERSION")
	version.Dir, version.Env = cmd.Dir, cmd.Env
	out, err := version.Output()
	if err != nil {
		return fmt.Errorf("go env GOVERSION: %w", err)
	}
	return req.saveCheckpoint(cache, strings.TrimSpace(string(out)), args, compiled)
}

// command is the go build command of req, in a cleared environment.
func (req *Request) command(scratch, cache string) (*exec.Cmd, []string, error) {
	cfg := req.Request
	view := filepath.Join(scratch, "modcache")
	planCfg := cfg.PlanConfig()
	var err error
	if planCfg.Workspace, err = req.ReadWorkspace(); err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(filepath.Join(cfg.Src, "vendor", "modules.txt")); err == nil {
		planCfg.Vendor = true // a committed vendor directory is used as it is
	}
	if err := plan.CheckVendoredWorkspace(planCfg); err != nil {
		return nil, nil, err
	}
	if planCfg.ModCache, planCfg.ModuleDirs, err = req.ModuleView(view, planCfg.Workspace); err != nil {
		return nil, nil, err
	}
	if err := plan.CheckFlags(planCfg); err != nil {
		return nil, nil, err
	}
	patterns, err := plan.Patterns(planCfg)
	if err != nil {
		return nil, nil, err
	}
	args := append([]string{"build", "-v"}, plan.BuildFlags(planCfg)...)
	args = append(append(args, "-o", filepath.Join(req.Out, "bin")+"/", "--"), patterns...)
	cgo := "0"
	if cfg.CGO {
		cgo = "1"
	}
	mod := "-mod=readonly"
	if planCfg.Vendor {
		mod = "-mod=vendor"
	}
	env := []string{
		"PATH=" + filepath.Join(cfg.Go.Path, "bin"), "HOME=" + scratch, "TMPDIR=" + scratch,
		"GOCACHE=" + cache, "GOMODCACHE=" + view, "GOPATH=" + filepath.Join(scratch, "gopath"),
		"GOTOOLCHAIN=local", "GOFLAGS=" + mod, "GOWORK=" + planCfg.GoWork(), "GOENV=off", "GOPROXY=off",
		"GOSUMDB=off", "GO111MODULE=on", "CGO_ENABLED=" + cgo,
	}
	if cfg.CGO && cfg.CC != nil {
		env = append(env, "CC="+cfg.CC.Path+"/bin/cc")
	}
	if cfg.CGO {
		// Where cgo finds buildInputs, as the plugin's planning shows them.
		env = append(env, planCfg.LibraryEnv()...)
		if planCfg.PkgConfig != "" {
			env = append(env, "PKG_CONFIG="+planCfg.PkgConfig)
		}
	}
	// The Go settings plan.CheckFlags checked above.
	for _, name := range sortedKeys(planCfg.GoEnv) {
		env = append(env, name+"="+planCfg.GoEnv[name])
	}
	if cfg.GOOS != "" {
		env = append(env, "GOOS="+cfg.GOOS)
	}
	if cfg.GOARCH != "" {
		env = append(env, "GOARCH="+cfg.GOARCH)
	}
	cmd := exec.Command(filepath.Join(cfg.Go.Path, "bin", "go"), args...)
	cmd.Dir, cmd.Env = cfg.Src, env
	return cmd, args, nil
}

// test runs `go test` of the packages build (the go build command of req,
// args its arguments) compiled, with the same flags and environment, in a
// writable copy of the source (a test may write to its directory, as in
// the other modes), logging the output to log.
func (req *Request) test(build *exec.Cmd, args []string, scratch string, log io.Writer) error {
	src := filepath.Join(scratch, "src")
	if err := os.CopyFS(src, os.DirFS(build.Dir)); err != nil {
		return fmt.Errorf("copying the source for go test: %w", err)
	}
	// args is "build -v FLAGS… -o OUT/ -- PATTERNS…" (command): the same
	// flags, then go test's, as buildGoModule's checkPhase passes them.
	// go test takes no "--" (what follows it goes to the test binaries):
	// the patterns are "./dir" or import paths, never flags.
	dash := slices.Index(args, "--")
	flags, patterns := args[2:dash-2], args[dash+1:]
	for _, p := range patterns {
		if strings.HasPrefix(p, "-") {
			return fmt.Errorf("go test: package pattern %q looks like a flag", p)
		}
	}
	testArgs := slices.Concat([]string{"test", "-vet=off"}, flags, req.CheckFlags, patterns)
	cmd := exec.Command(build.Path, testArgs...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = src, slices.Clone(build.Env), log, log
	if i := slices.Index(cmd.Env, "GOWORK="+filepath.Join(build.Dir, "go.work")); i >= 0 {
		cmd.Env[i] = "GOWORK=" + filepath.Join(src, "go.work") // the copy's workspace
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(testArgs, " "), err)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// runLogged runs cmd, copying its output to log, and returns the packages
// go build -v reported compiling.
func runLogged(cmd *exec.Cmd, log io.Writer) ([]string, error) {
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var compiled []string
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		line := lines.Text()
		fmt.Fprintln(log, line)
		if line != "" && !strings.ContainsAny(line, " \t:") {
			compiled = append(compiled, line)
		}
	}
	return compiled, cmd.Wait()
}

func (req *Request) saveCheckpoint(cache, goVersion string, args, compiled []string) error {
	dir := filepath.Join(req.Out, checkpointDir)
	if err := copyCache(cache, filepath.Join(dir, "gocache")); err != nil {
		return err
	}
	rec := Record{GoVersion: goVersion, Src: req.Src, Flags: args, Patterns: req.SubPackages, Compiled: compiled}
	for _, m := range req.Modules {
		rec.Modules = append(rec.Modules, m.Path+"@"+m.Version)
	}
	sort.Strings(rec.Modules)
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "record.json"), append(data, '\n'), 0o444)
}
