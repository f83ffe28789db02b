// Command fakego is a stand-in for a Go toolchain's bin/go that claims to be
// a Go release nix-gograph does not support (tests/integration/go-versions.sh
// puts it in the store as <path>/bin/go). It answers only the questions a
// toolchain's version is read from:
//
//	go version                  go version go1.99.1 linux/amd64
//	go env [-json] [VAR…]       GOVERSION=go1.99.1, GOROOT (the directory
//	                            above bin/), GOOS, GOARCH, GOHOSTOS,
//	                            GOHOSTARCH; other variables are empty
//
// Anything else fails (exit 2): planning must stop at the version check.
// It is a real (static) program, not a script, so it runs wherever a go
// binary runs.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Version is the Go release fakego claims to be.
const Version = "go1.99.1"

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		fail("no command")
	}
	switch args[0] {
	case "version":
		if len(args) > 1 {
			fail("go version with arguments")
		}
		fmt.Printf("go version %s linux/amd64\n", Version)
	case "env":
		env(args[1:])
	default:
		fail("unknown command " + args[0])
	}
}

func env(args []string) {
	vars := map[string]string{
		"GOVERSION": Version, "GOOS": "linux", "GOARCH": "amd64", "GOHOSTOS": "linux", "GOHOSTARCH": "amd64",
	}
	if exe, err := os.Executable(); err == nil {
		vars["GOROOT"] = filepath.Dir(filepath.Dir(exe))
	}
	asJSON := false
	var names []string
	for _, a := range args {
		switch {
		case a == "-json":
			asJSON = true
		case len(a) > 0 && a[0] == '-':
			fail("go env " + a)
		default:
			names = append(names, a)
		}
	}
	if len(names) == 0 {
		for name := range vars {
			names = append(names, name)
		}
		sort.Strings(names)
		if !asJSON {
			for _, name := range names {
				fmt.Printf("%s='%s'\n", name, vars[name])
			}
			return
		}
	}
	if asJSON {
		out := map[string]string{}
		for _, name := range names {
			out[name] = vars[name]
		}
		b, _ := json.MarshalIndent(out, "", "\t")
		fmt.Printf("%s\n", b)
		return
	}
	for _, name := range names {
		fmt.Println(vars[name])
	}
}

func fail(msg string) {
	fmt.Fprintf(os.Stderr, "go: fakego (%s) does not do this: %s\n", Version, msg)
	os.Exit(2)
}
