// Package mkproxytest gives tests a file:// GOPROXY filled by
// tests/tools/mkproxy (built with the real toolchain), so module fetching,
// locking and planning are tested against real module zips.
package mkproxytest

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// Proxy is a file:// GOPROXY in a temporary directory.
type Proxy struct {
	t       *testing.T
	mkproxy string
	// Dir is the proxy's directory (GOPROXY=file://<Dir>).
	Dir string
}

// New builds tests/tools/mkproxy and makes an empty proxy.
func New(t *testing.T) *Proxy {
	_, self, _, _ := runtime.Caller(0)
	tool := filepath.Join(filepath.Dir(self), "..", "..", "..", "tests", "tools", "mkproxy")
	bin := filepath.Join(t.TempDir(), "mkproxy")
	out, err := exec.Command("go", "build", "-o", bin, tool).CombinedOutput()
	require.NoError(t, err, "building tests/tools/mkproxy: %s", out)
	return &Proxy{t: t, mkproxy: bin, Dir: t.TempDir()}
}

// Publish adds module mod at version with zip entries files (each holding
// "package <last element of mod>"; go.mod is always added) and returns
// mkproxy's output: the module's two go.sum lines.
func (p *Proxy) Publish(mod, version string, files ...string) string {
	out, err := exec.Command(p.mkproxy, append([]string{p.Dir, mod, version}, files...)...).Output()
	require.NoError(p.t, err)
	return string(out)
}
