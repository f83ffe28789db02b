// Command gograph is nix-gograph's planner as a command: it answers the same
// JSON requests the Nix plugin sends (see docs/abi.md), for debugging and for
// modes that run without the plugin.
//
//	gograph plan REQUEST.json   print the response
package main

import (
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
	os.Stdout.Write(graph.NewPlanner().PlanJSON(req))
	fmt.Println()
}
