// Command gograph-builder is the builder of every nix-gograph derivation. It
// reads the derivation's Action (JSON, passed by Nix as a file through
// passAsFile, in $gographActionPath) and runs it with $TMPDIR/work as $WORK.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
	"github.com/nix-gograph/nix-gograph/gobridge/builder"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "gograph-builder: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	path := os.Getenv("gographActionPath")
	if path == "" {
		return fmt.Errorf("$gographActionPath is not set (not run by a nix-gograph derivation?)")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var a action.Action
	if err := json.Unmarshal(data, &a); err != nil {
		return fmt.Errorf("reading action: %w", err)
	}
	// Every output the derivation declares ($outputs, or just "out") must
	// exist when the build ends.
	outputs := map[string]string{}
	names := strings.Fields(os.Getenv("outputs"))
	if len(names) == 0 {
		names = []string{"out"}
	}
	for _, name := range names {
		if outputs[name] = os.Getenv(name); outputs[name] == "" {
			return fmt.Errorf("$%s is not set", name)
		}
	}
	tmp := os.Getenv("TMPDIR")
	if tmp == "" {
		tmp = os.TempDir()
	}
	work := filepath.Join(tmp, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	for _, out := range outputs {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
	}
	return builder.Run(&a, work, outputs, os.Stderr)
}
