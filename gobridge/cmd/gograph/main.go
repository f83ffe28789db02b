// Command gograph is nix-gograph's planner as a command: it answers the same
// JSON requests the Nix plugin sends (see docs/abi.md), for debugging and for
// modes that run without the plugin.
//
//	gograph plan REQUEST.json   print the response
//	gograph lock MODULE_DIR      print the lock file for modes without the
//	                             plugin (package lock): one Nix hash per module
//
// Downloaded modules are removed on exit, as the plugin removes them once it
// has added them to the store.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/nix-gograph/nix-gograph/gobridge/graph"
	"github.com/nix-gograph/nix-gograph/gobridge/lock"
	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
)

func main() {
	if len(os.Args) != 3 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "plan":
		err = plan(os.Args[2])
	case "lock":
		err = writeLock(os.Args[2])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gograph:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gograph plan REQUEST.json | gograph lock MODULE_DIR")
	os.Exit(2)
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

// writeLock prints the lock file of the module in dir, fetching modules with
// the environment's GOPROXY, GOPRIVATE, GONOPROXY and NETRC.
func writeLock(dir string) error {
	l, err := lock.Make(dir, modfetch.ConfigFromEnv())
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
