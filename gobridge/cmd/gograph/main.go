// Command gograph is nix-gograph's planner as a command: it answers the same
// JSON requests the Nix plugin sends (see docs/abi.md), for debugging and for
// modes that run without the plugin.
//
//	gograph plan REQUEST.json   print the response
//
// Downloaded modules are removed on exit, as the plugin removes them once it
// has added them to the store.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/nix-gograph/nix-gograph/gobridge/graph"
)

func main() {
	if len(os.Args) != 3 || os.Args[1] != "plan" {
		fmt.Fprintln(os.Stderr, "usage: gograph plan REQUEST.json")
		os.Exit(2)
	}
	req, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gograph:", err)
		os.Exit(1)
	}
	resp := graph.NewPlanner().PlanJSON(req)
	os.Stdout.Write(resp)
	fmt.Println()
	removeTempDirs(resp)
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
