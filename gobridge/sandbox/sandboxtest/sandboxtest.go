// Package sandboxtest builds the gograph-sandbox helper for tests.
package sandboxtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Helper builds gobridge/cmd/gograph-sandbox (static, as the Makefile
// does) into a temporary directory of t and returns its path.
func Helper(t testing.TB) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out := filepath.Join(t.TempDir(), "gograph-sandbox")
	cmd := exec.Command(goCmd, "build", "-trimpath", "-o", out, "github.com/nix-gograph/nix-gograph/gobridge/cmd/gograph-sandbox")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building gograph-sandbox: %v\n%s", err, msg)
	}
	return out
}
