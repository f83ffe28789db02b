package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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

// TestRunErrorsKeepTheirKind: a sandbox that cannot run go and an
// interruption reach Plan's caller as they are, whichever go command
// failed, not as a failure of go list or go build.
func TestRunErrorsKeepTheirKind(t *testing.T) {
	helper := sandboxtest.Helper(t)
	fake := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(fake, "bin"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(fake, "bin", "go"), []byte("#!/bin/sh\necho go1.26.0\n"), 0o755))
	dir, err := filepath.Abs("../../tests/fixtures/multi")
	require.NoError(t, err)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	steps := map[string]func(g *goRunner) error{
		"go list":          func(g *goRunner) error { _, err := g.list(); return err },
		"go list ./...":    func(g *goRunner) error { _, err := g.packagesExcluding([]string{"x"}); return err },
		"go list -test":    func(g *goRunner) error { _, err := g.listTests([]string{"./..."}); return err },
		"go build -n":      func(g *goRunner) error { _, err := g.buildScript(); return err },
		"go test -c -n":    func(g *goRunner) error { _, err := g.testScript([]string{"./..."}); return err },
		"a compiler probe": func(g *goRunner) error { return g.exec(g.scratch, &bytes.Buffer{}, &bytes.Buffer{}, "/bin/true") },
	}
	for _, tt := range []struct {
		name    string
		cfg     Config
		kind    ErrorKind
		message string
	}{
		{"a go that cannot run in the sandbox", Config{GoRoot: fake, Sandbox: &sandbox.Spec{Enabled: true, Helper: helper}},
			KindSandbox, "cannot run in the planning sandbox"},
		{"an interruption", Config{GoRoot: hostGoRoot(t), Context: cancelled}, KindInterrupted, "interrupted"},
	} {
		for step, run := range steps {
			t.Run(tt.name+": "+step, func(t *testing.T) {
				cfg := tt.cfg
				cfg.Dir, cfg.Patterns = dir, []string{"./..."}
				g, err := newGoRunner(&cfg)
				require.NoError(t, err)
				defer g.close()
				err = run(g)
				var pe *Error
				require.True(t, errors.As(err, &pe), "got %v", err)
				if step == "a compiler probe" && tt.kind == KindSandbox {
					// /bin/true is not in the sandbox.
					assert.Equal(t, KindSandbox, pe.Kind, pe.Message)
					return
				}
				assert.Equal(t, tt.kind, pe.Kind, pe.Message)
				assert.Contains(t, pe.Message, tt.message)
			})
		}
	}
	t.Run("goBuildError", func(t *testing.T) {
		for _, kind := range []ErrorKind{KindSandbox, KindInterrupted} {
			in := &Error{Kind: kind, Message: "m"}
			assert.Same(t, in, goBuildError("go build -n", []byte("# x\nx.go:1: error\n"), in, "/src"))
		}
		assert.Equal(t, KindGoBuild, goBuildError("go build -n", nil, &Error{Kind: KindPackage, Message: "m"}, "/src").Kind)
	})
}

// TestOutputLimit: a program that prints more than planning reads fails,
// naming the command, as its kind of failure.
func TestOutputLimit(t *testing.T) {
	fake := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(fake, "bin"), 0o755))
	head, err := exec.LookPath("head")
	if err != nil {
		t.Skip("needs head")
	}
	// Prints 64 KiB on stdout for go list, on stderr for go build.
	require.NoError(t, os.WriteFile(filepath.Join(fake, "bin", "go"), []byte(`#!/bin/sh
case "$1" in
  list) `+head+` -c 65536 /dev/zero ;;
  *) `+head+` -c 65536 /dev/zero >&2; exit 1 ;;
esac
`), 0o755))
	dir, err := filepath.Abs("../../tests/fixtures/multi")
	require.NoError(t, err)
	g, err := newGoRunner(&Config{GoRoot: fake, Dir: dir, Patterns: []string{"./..."}})
	require.NoError(t, err)
	defer g.close()
	defer func(out, errs int) { maxOutput, maxErrors = out, errs }(maxOutput, maxErrors)
	maxOutput, maxErrors = 4096, 1024
	goCmd := filepath.Join(fake, "bin", "go")

	_, err = g.list()
	var pe *Error
	require.True(t, errors.As(err, &pe), "got %v", err)
	assert.Equal(t, KindGoList, pe.Kind)
	assert.Equal(t, goCmd+" list printed more than 4096 bytes on stdout, more than nix-gograph reads of it", pe.Message)

	_, err = g.buildScript()
	require.True(t, errors.As(err, &pe), "got %v", err)
	assert.Equal(t, KindGoBuild, pe.Kind)
	assert.Equal(t, goCmd+" build printed more than 4096 bytes on stderr, more than nix-gograph reads of it", pe.Message)

	// Below the bounds, the output is whole.
	maxOutput = 65536
	_, _, err = g.run("list")
	assert.NoError(t, err)
}

// TestCloseRemovesUnwritableDirectories: what go (or anything in its
// place) left in the scratch directory is removed, even directories
// without write or read permission.
func TestCloseRemovesUnwritableDirectories(t *testing.T) {
	const parentVar = "GOGRAPH_TEST_REMOVE_IN"
	parent := os.Getenv(parentVar)
	if parent == "" && os.Getuid() == 0 {
		// root removes anything whatever its mode: run this test again
		// as nobody, from a copy of the test binary nobody can run.
		parent, err := os.MkdirTemp("", "gograph-remove-")
		require.NoError(t, err)
		defer os.RemoveAll(parent)
		require.NoError(t, os.Chmod(parent, 0o777))
		self, err := os.Executable()
		require.NoError(t, err)
		data, err := os.ReadFile(self)
		require.NoError(t, err)
		bin := filepath.Join(parent, "plan.test")
		require.NoError(t, os.WriteFile(bin, data, 0o755))
		cmd := exec.Command(bin, "-test.run=^TestCloseRemovesUnwritableDirectories$", "-test.v")
		cmd.Env = []string{parentVar + "=" + parent, "TMPDIR=" + parent, "HOME=" + parent}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "as nobody:\n%s", out)
		require.Contains(t, string(out), "--- PASS: TestCloseRemovesUnwritableDirectories")
		return
	}
	if parent == "" {
		parent = t.TempDir()
	}
	base, err := os.MkdirTemp(parent, "base-")
	require.NoError(t, err)
	g := &goRunner{base: base, scratch: filepath.Join(base, "work")}
	require.NoError(t, os.Mkdir(g.scratch, 0o700))
	// Innermost first: each is made while its parent is writable.
	dirs := []struct {
		path string
		mode os.FileMode
	}{{"a/b/c", 0o500}, {"a/b", 0o500}, {"a", 0o500}, {"x/y", 0o000}, {"x", 0o100}}
	for _, d := range dirs {
		p := filepath.Join(g.scratch, d.path)
		require.NoError(t, os.MkdirAll(p, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(p, "f"), nil, 0o400))
	}
	for _, d := range dirs {
		require.NoError(t, os.Chmod(filepath.Join(g.scratch, d.path), d.mode))
	}
	require.Error(t, os.RemoveAll(g.scratch), "os.RemoveAll alone removes it")
	g.close()
	assert.NoDirExists(t, g.base)
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
