// Command gograph is nix-gograph's planner as a command: it answers the same
// JSON requests the Nix plugin sends (see docs/abi.md), for debugging, and
// does the work of the modes that run without the plugin.
//
//	gograph plan REQUEST.json              print the plugin's response
//	gograph lock DIR                       print the lock file for modes without
//	                                       the plugin (package lock) of the
//	                                       module or go.work workspace in DIR
//	gograph lock --check DIR               compare DIR/gograph.lock with
//	                                       go.sum, offline; name each module
//	                                       missing, stale or extra (exit 1)
//	gograph lock [--check] --no-workspace DIR
//	                                       the same for DIR's module alone
//	                                       (workspace = false)
//	gograph plan-units REQUEST.json OUT    plan inside a derivation (IFD mode;
//	                                       graph.PlanUnits) and write OUT;
//	                                       REQUEST.json may be env:VAR
//	gograph go-build REQUEST.json          mode "monolithic": one plain go build
//	                                       (package gobuild); REQUEST.json may
//	                                       be env:VAR
//	gograph fetch-module MOD@VER H1 OUT    download a module zip, check it
//	                                       against go.sum's H1, extract it to OUT
//	gograph fetch-gomod MOD@VER H1 OUT     download a module's go.mod, check it
//	                                       against H1 ("-": the fixed-output
//	                                       hash pins it, planning checks it)
//
// The fetch commands run in fixed-output derivations: GOPROXY, GOPRIVATE,
// GONOPROXY, GOINSECURE and NETRC come from the environment, and TLS
// certificates, when the system has none (a build sandbox), from the roots
// compiled in (golang.org/x/crypto/x509roots/fallback).
//
// Downloaded modules are removed on exit, as the plugin removes them once it
// has added them to the store.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "golang.org/x/crypto/x509roots/fallback"
	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/gobuild"
	"github.com/nix-gograph/nix-gograph/gobridge/graph"
	"github.com/nix-gograph/nix-gograph/gobridge/lock"
	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
)

func main() {
	args := os.Args[1:]
	var err error
	switch {
	case len(args) == 2 && args[0] == "plan":
		err = plan(args[1])
	case len(args) >= 2 && args[0] == "lock":
		err = lockCommand(args[1:])
	case len(args) == 3 && args[0] == "plan-units":
		err = planUnits(args[1], args[2])
	case len(args) == 2 && args[0] == "go-build":
		err = goBuild(args[1])
	case len(args) == 4 && (args[0] == "fetch-module" || args[0] == "fetch-gomod"):
		err = fetch(args[0], args[1], args[2], args[3])
	default:
		err = usageError()
	}
	if errors.Is(err, errUsage) {
		fmt.Fprintln(os.Stderr, "usage: gograph plan REQUEST.json | lock [--check] [--no-workspace] DIR |\n"+
			"       plan-units REQUEST.json OUT | go-build REQUEST.json |\n"+
			"       fetch-module MODULE@VERSION H1 OUT | fetch-gomod MODULE@VERSION H1 OUT")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gograph:", err)
		os.Exit(1)
	}
}

// errUsage is a command line gograph does not take.
var errUsage = errors.New("usage")

func usageError() error { return errUsage }

func plan(requestFile string) error {
	req, err := os.ReadFile(requestFile)
	if err != nil {
		return err
	}
	resp := graph.NewPlanner().PlanJSON(req)
	os.Stdout.Write(resp)
	fmt.Println()
	removeTempDirs(resp)
	return nil
}

// planUnits plans an IFD request and writes the units as JSON to out.
func planUnits(requestFile, out string) error {
	data, err := readRequest(requestFile)
	if err != nil {
		return err
	}
	req, err := graph.ParseIFDRequest(data)
	if err != nil {
		return err
	}
	units, err := graph.PlanUnits(req)
	if err != nil {
		return err
	}
	data, err = json.Marshal(units)
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

// goBuild runs a monolithic build request.
func goBuild(requestFile string) error {
	data, err := readRequest(requestFile)
	if err != nil {
		return err
	}
	var req gobuild.Request
	if err := json.Unmarshal(data, &req); err != nil {
		return fmt.Errorf("bad go-build request: %w", err)
	}
	return gobuild.Run(&req, os.Stderr)
}

// readRequest reads a request file; "env:NAME" names the file by an
// environment variable (Nix's passAsFile).
func readRequest(file string) ([]byte, error) {
	if name, ok := strings.CutPrefix(file, "env:"); ok {
		file = os.Getenv(name)
	}
	return os.ReadFile(file)
}

// fetch downloads one module's zip (extracted to out) or go.mod (written
// to out), verified against go.sum's hash h1.
func fetch(what, modVersion, h1, out string) error {
	path, version, ok := cutVersion(modVersion)
	if !ok {
		return fmt.Errorf("%s: %q is not MODULE@VERSION", what, modVersion)
	}
	mod := module.Version{Path: path, Version: version}
	f, err := modfetch.NewFetcher(modfetch.ConfigFromEnv())
	if err != nil {
		return err
	}
	if what == "fetch-module" {
		return f.Zip(context.Background(), mod, h1, out)
	}
	var data []byte
	if h1 == "-" { // the derivation's hash pins it; planning checks it against go.sum
		data, err = f.GoModUnverified(context.Background(), mod)
	} else {
		data, err = f.GoMod(context.Background(), mod, h1)
	}
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o444)
}

// cutVersion splits MODULE@VERSION at its last "@".
func cutVersion(s string) (path, version string, ok bool) {
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == '@' {
			return s[:i], s[i+1:], i+1 < len(s)
		}
	}
	return "", "", false
}

// lockCommand runs `gograph lock [--check] [--no-workspace] DIR`.
func lockCommand(args []string) error {
	check, workspace := false, true
	for len(args) > 1 {
		switch args[0] {
		case "--check":
			check = true
		case "--no-workspace":
			workspace = false
		default:
			return usageError()
		}
		args = args[1:]
	}
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usageError()
	}
	if check {
		return checkLock(args[0], workspace)
	}
	return writeLock(args[0], workspace)
}

// writeLock prints the lock file of the module (or, with workspace, the
// workspace) in dir, fetching modules with the environment's GOPROXY,
// GOPRIVATE, GONOPROXY and NETRC.
func writeLock(dir string, workspace bool) error {
	l, err := lock.Make(context.Background(), dir, workspace, modfetch.ConfigFromEnv())
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Printf("%s\n", out)
	return err
}

// checkLock prints to stderr one line per module whose entry in dir's lock
// file is not what writeLock would print now, and fails if there is one.
func checkLock(dir string, workspace bool) error {
	problems, err := lock.CheckDir(dir, workspace)
	if err != nil {
		return err
	}
	file := filepath.Join(dir, lock.FileName)
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "%s: %s\n", file, p)
	}
	if len(problems) > 0 {
		state := fmt.Sprintf("is out of date (%d of its modules)", len(problems))
		if len(problems) == 1 {
			state = "is out of date (1 module)"
		}
		if _, err := os.Stat(file); os.IsNotExist(err) {
			state = "does not exist"
		}
		return fmt.Errorf("%s %s: run `gograph lock %s > %s`", file, state, dir, file)
	}
	fmt.Fprintf(os.Stderr, "%s: ok\n", file)
	return nil
}

// removeTempDirs removes the planner's scratch, as the plugin does once it
// has added the sources to the store.
func removeTempDirs(resp []byte) {
	var r graph.Response
	if json.Unmarshal(resp, &r) == nil && r.OK != nil {
		for _, dir := range r.OK.TempDirs {
			os.RemoveAll(dir)
		}
	}
}
