// Command gograph is nix-gograph's planner as a command: it answers the same
// JSON requests the Nix plugin sends (see docs/abi.md), for debugging, and
// does the work of the modes that run without the plugin.
//
//	gograph plan REQUEST.json              print the plugin's response
//	gograph lock MODULE_DIR                print the lock file for modes without
//	                                       the plugin (package lock)
//	gograph lock --check MODULE_DIR        compare MODULE_DIR/gograph.lock with
//	                                       go.sum, offline; name each module
//	                                       missing, stale or extra (exit 1)
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
	case len(args) == 2 && args[0] == "lock" && !strings.HasPrefix(args[1], "-"):
		err = writeLock(args[1])
	case len(args) == 3 && args[0] == "lock" && args[1] == "--check":
		err = checkLock(args[2])
	case len(args) == 3 && args[0] == "plan-units":
		err = planUnits(args[1], args[2])
	case len(args) == 2 && args[0] == "go-build":
		err = goBuild(args[1])
	case len(args) == 4 && (args[0] == "fetch-module" || args[0] == "fetch-gomod"):
		err = fetch(args[0], args[1], args[2], args[3])
	default:
		fmt.Fprintln(os.Stderr, "usage: gograph plan REQUEST.json | lock [--check] MODULE_DIR | plan-units REQUEST.json OUT |\n"+
			"       go-build REQUEST.json |\n"+
			"       fetch-module MODULE@VERSION H1 OUT | fetch-gomod MODULE@VERSION H1 OUT")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gograph:", err)
		os.Exit(1)
	}
}

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

// writeLock prints the lock file of the module in dir, fetching modules with
// the environment's GOPROXY, GOPRIVATE, GONOPROXY and NETRC.
func writeLock(dir string) error {
	l, err := lock.Make(context.Background(), dir, modfetch.ConfigFromEnv())
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
func checkLock(dir string) error {
	problems, err := lock.CheckDir(dir)
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
