package plan

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/sandbox"
	"github.com/nix-gograph/nix-gograph/gobridge/sandbox/sandboxtest"
)

// hostGoRoot is the real toolchain's GOROOT.
func hostGoRoot(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	return strings.TrimSpace(string(out))
}

// TestSandboxedPlan plans real fixtures with the toolchain and the C
// compiler run in the sandbox and directly: the plans are the same, and
// a toolchain that cannot run in the sandbox, or a cancelled context, is
// the error of its kind.
func TestSandboxedPlan(t *testing.T) {
	helper := sandboxtest.Helper(t)
	goRoot := hostGoRoot(t)
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("needs gcc")
	}
	// The host's gcc is not in a store path: a wrapper that finds as and
	// ld without PATH (as scripts/host-cc.sh's does) and the host's
	// directories stand in for the closure of cc.
	ccDir := t.TempDir()
	cc := filepath.Join(ccDir, "cc")
	require.NoError(t, os.WriteFile(cc, []byte("#!/bin/sh\nexec "+gcc+" -B/usr/bin/ \"$@\"\n"), 0o755))
	hostCC := []string{ccDir, "/usr", "/lib", "/lib64", "/bin", "/etc/alternatives"}
	// A toolchain that is a shell script, which touches a marker if run.
	fake := t.TempDir()
	marker := filepath.Join(t.TempDir(), "ran")
	require.NoError(t, os.MkdirAll(filepath.Join(fake, "bin"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(fake, "bin", "go"),
		[]byte("#!/bin/sh\ntouch "+marker+"\necho go1.26.0\n"), 0o755))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name     string
		cfg      Config
		readOnly []string
		// kind is the error's kind, "" for a plan equal to the
		// unsandboxed one.
		kind    ErrorKind
		message string
		// planned is in the plan's commands (a probe's answer).
		planned string
	}{
		{name: "multi", cfg: Config{Dir: "../../tests/fixtures/multi"}},
		{name: "cgo: the compiler probes run in the sandbox", cfg: Config{Dir: "../../tests/fixtures/cgo", CGO: true, CC: cc},
			readOnly: hostCC, planned: "-gno-record-gcc-switches"},
		{name: "a script as go", cfg: Config{Dir: "../../tests/fixtures/multi", GoRoot: fake}, kind: KindSandbox,
			message: filepath.Join(fake, "bin", "go") + " cannot run in the planning sandbox"},
		{name: "cancelled", cfg: Config{Dir: "../../tests/fixtures/multi", Context: cancelled}, kind: KindInterrupted,
			message: "interrupted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.GoRoot == "" {
				cfg.GoRoot = goRoot
			}
			cfg.Sandbox = &sandbox.Spec{Enabled: true, Helper: helper, ReadOnly: tt.readOnly}
			sandboxed, err := Plan(&cfg)
			if tt.kind != "" {
				var pe *Error
				require.True(t, errors.As(err, &pe), "got %v", err)
				assert.Equal(t, tt.kind, pe.Kind, pe.Message)
				assert.Contains(t, pe.Message, tt.message)
				assert.NoFileExists(t, marker, "the fake go ran")
				return
			}
			require.NoError(t, err)
			cfg = tt.cfg
			cfg.GoRoot = goRoot
			direct, err := Plan(&cfg)
			require.NoError(t, err)
			assert.Equal(t, direct.Units, sandboxed.Units)
			units, err := json.Marshal(sandboxed.Units)
			require.NoError(t, err)
			assert.True(t, strings.Contains(string(units), tt.planned), "the plan lacks %s", tt.planned)
		})
	}
}

// TestTelemetryOff: go reports telemetry off, and counts nothing into the
// scratch directory.
func TestTelemetryOff(t *testing.T) {
	dir, err := filepath.Abs("../../tests/fixtures/multi")
	require.NoError(t, err)
	g, err := newGoRunner(&Config{GoRoot: hostGoRoot(t), Dir: dir})
	require.NoError(t, err)
	defer g.close()
	assert.Contains(t, g.env(), "GOTELEMETRY=off")
	out, _, err := g.run("env", "GOTELEMETRY")
	require.NoError(t, err)
	assert.Equal(t, "off", strings.TrimSpace(string(out)))
	assert.NoDirExists(t, filepath.Join(g.scratch, ".config", "go", "telemetry", "local"))
}
