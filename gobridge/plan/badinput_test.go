package plan

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlanBadInput plans modules and arguments that cannot be built with a
// real go (the one on PATH) and checks that the error names its culprit:
// the kind, the argument or package, and the message part that says what
// is wrong ({src} is the module root, {go} the toolchain's version).
func TestPlanBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go")
	}
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	require.NoError(t, err)
	goRoot, goVersion, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	gcc, gccErr := exec.LookPath("gcc")

	const (
		mod     = "module example.com/m\n\ngo 1.22\n"
		main    = "package main\n\nfunc main() {}\n"
		cgoMain = "package main\n\nimport \"C\"\n\nfunc main() {}\n"
	)
	cgoFlag := func(pkg, line string) string { return "package " + pkg + "\n\n// #cgo " + line + "\nimport \"C\"\n" }
	tests := []struct {
		name  string
		files map[string]string
		cfg   Config
		cgo   bool // needs a C compiler
		kind  ErrorKind
		arg   string
		pkg   string
		want  string
	}{
		{"a #cgo CFLAGS go refuses: go's line, not the script",
			map[string]string{"go.mod": mod, "main.go": cgoFlag("main", "CFLAGS: -fplugin=x") + "\nfunc main() {}\n"},
			Config{CGO: true}, true, KindGoBuild, "", "example.com/m",
			"example.com/m: invalid flag in #cgo CFLAGS: -fplugin=x"},
		{"a #cgo LDFLAGS go refuses, in a dependency",
			map[string]string{"go.mod": mod, "main.go": "package main\n\nimport _ \"example.com/m/c\"\n\nfunc main() {}\n",
				"c/c.go": cgoFlag("c", "LDFLAGS: -Wl,-plugin=x")},
			Config{CGO: true}, true, KindGoBuild, "", "example.com/m/c",
			"example.com/m/c: invalid flag in #cgo LDFLAGS: -Wl,-plugin=x"},
		{"a #cgo flag go refuses in a package only a test imports",
			map[string]string{"go.mod": mod, "main.go": main,
				"main_test.go": "package main\n\nimport (\n\t\"testing\"\n\n\t_ \"example.com/m/bad\"\n)\n\nfunc TestX(t *testing.T) {}\n",
				"bad/bad.go":   cgoFlag("bad", "CFLAGS: -fplugin=x")},
			Config{CGO: true, Patterns: []string{"."}, Tests: true}, true, KindGoBuild, "", "example.com/m/bad",
			"example.com/m/bad: invalid flag in #cgo CFLAGS: -fplugin=x"},
		{"cgo without a C compiler", map[string]string{"go.mod": mod, "main.go": cgoMain},
			Config{CGO: true, GOARCH: "arm64"}, false, KindBadArgument, "cc", "", "cgo is on but no C toolchain (cc) was given"},
		{"an unknown goarch is blamed, not goos", map[string]string{"go.mod": mod, "main.go": main},
			Config{GOOS: "linux", GOARCH: "nosuch"}, false, KindBadArgument, "goarch", "",
			`goarch "nosuch": unsupported GOOS/GOARCH pair linux/nosuch (the toolchain knows no GOARCH "nosuch"; `},
		{"an unknown goos", map[string]string{"go.mod": mod, "main.go": main},
			Config{GOOS: "nosuch"}, false, KindBadArgument, "goos", "",
			`goos "nosuch": unsupported GOOS/GOARCH pair nosuch/`},
		{"an unknown goos with a known goarch", map[string]string{"go.mod": mod, "main.go": main},
			Config{GOOS: "nosuch", GOARCH: "amd64"}, false, KindBadArgument, "goos", "",
			`goos "nosuch": unsupported GOOS/GOARCH pair nosuch/amd64 (the toolchain knows no GOOS "nosuch"; `},
		{"a known goos with the default goarch it does not go with", map[string]string{"go.mod": mod, "main.go": main},
			Config{GOOS: "js"}, false, KindBadArgument, "goos", "",
			`goos "js": unsupported GOOS/GOARCH pair js/`},
		{"a known goarch that does not go with goos", map[string]string{"go.mod": mod, "main.go": main},
			Config{GOOS: "linux", GOARCH: "wasm"}, false, KindBadArgument, "goarch", "",
			`goarch "wasm": unsupported GOOS/GOARCH pair linux/wasm (goarch wasm goes with goos js, wasip1; `},
		{"a pair cmd/go lets through and then fails on", map[string]string{"go.mod": mod, "main.go": main},
			Config{GOOS: "windows", GOARCH: "riscv64"}, false, KindBadArgument, "goarch", "",
			`goarch "riscv64": unsupported GOOS/GOARCH pair windows/riscv64`},
		{"a module with no package", map[string]string{"go.mod": mod, "README": "x\n"},
			Config{}, false, KindPackageNotFound, "src", "", `src {src} has no Go packages to build ("./..." matched no packages)`},
		{"a module with only _test.go files", map[string]string{"go.mod": mod, "x/x_test.go": "package x\n"},
			Config{}, false, KindPackageNotFound, "src", "", "src {src} has no Go packages to build: example.com/m/x has only _test.go files"},
		{"a module with only _test.go files and excludedPackages", map[string]string{"go.mod": mod, "x/x_test.go": "package x\n"},
			Config{Excluded: []string{"y"}}, false, KindPackageNotFound, "src", "", "src {src} has no Go packages to build: no package has a non-test Go file that builds"},
		{"a module with no package and excludedPackages", map[string]string{"go.mod": mod},
			Config{Excluded: []string{"y"}}, false, KindPackageNotFound, "src", "", `src {src} has no Go packages to build ("./..." matched no packages)`},
		{"a subPackages pattern matching nothing", map[string]string{"go.mod": mod, "main.go": main, "tools/README": "x\n"},
			Config{Patterns: []string{"tools/..."}}, false, KindPackageNotFound, "subPackages", "./tools/...", `subPackages: "./tools/..." matched no packages`},
		{"a subPackages directory that does not exist", map[string]string{"go.mod": mod, "main.go": main},
			Config{Patterns: []string{"nope/..."}}, false, KindPackageNotFound, "subPackages", "./nope/...", `subPackages: no Go package at "./nope/..."`},
		{"a message over the bound loses its middle, not its start", map[string]string{"go.mod": mod, "main.go": main},
			Config{Patterns: []string{strings.Repeat("deep/", 2000) + "..."}}, false, KindPackage, "subPackages",
			"./" + strings.Repeat("deep/", 2000) + "...", `subPackages: no Go package at "./deep/deep/`},
		{"a subPackages package with only _test.go files", map[string]string{"go.mod": mod, "main.go": main, "x/x_test.go": "package x\n"},
			Config{Patterns: []string{"x"}}, false, KindBadArgument, "subPackages", "example.com/m/x",
			"subPackages: ./x (example.com/m/x) has only _test.go files: there is nothing to build"},
		{"src is a file", map[string]string{"go.mod": mod},
			Config{Dir: "go.mod"}, false, KindBadArgument, "src", "", "src {src} is a file; it must be the directory holding go.mod"},
		{"go.mod requires a newer Go", map[string]string{"go.mod": "module example.com/m\n\ngo 1.99\n", "main.go": main},
			Config{}, false, KindBadArgument, "go", "", "src's go.mod requires go >= 1.99, but the toolchain go ({goroot}) is go {go}: "},
		{"a toolchain line asking for a newer Go than the go line is ignored", map[string]string{"go.mod": mod + "\ntoolchain go1.99.0\n", "main.go": main},
			Config{}, false, "", "", "", ""},
		{"a bad toolchain line: go's message names go.mod's line", map[string]string{"go.mod": mod + "\ntoolchain nonsense\n", "main.go": main},
			Config{}, false, KindGoList, "", "", "go.mod:5: invalid toolchain version 'nonsense'"},
		{"a replace pointing outside src", map[string]string{"go.mod": mod + "\nrequire example.com/y v1.0.0\n\nreplace example.com/y => ../y\n",
			"main.go": "package main\n\nimport _ \"example.com/y\"\n\nfunc main() {}\n"},
			Config{}, false, KindOutsideSrc, "src", "example.com/y",
			"go.mod:7: replace example.com/y => ../y: the directory is outside src, and nix-gograph reads nothing outside src"},
		{"an absolute replace pointing outside src", map[string]string{"go.mod": mod + "\nreplace example.com/y v1.0.0 => /etc\n", "main.go": main},
			Config{}, false, KindOutsideSrc, "src", "example.com/y", "go.mod:5: replace example.com/y v1.0.0 => /etc: the directory is outside src"},
		{"a replace inside src is fine", map[string]string{"go.mod": mod + "\nrequire example.com/y v1.0.0\n\nreplace example.com/y => ./y\n",
			"main.go":  "package main\n\nimport _ \"example.com/y\"\n\nfunc main() {}\n",
			"y/go.mod": "module example.com/y\n\ngo 1.22\n", "y/y.go": "package y\n"},
			Config{}, false, "", "", "", ""},
		{"a build tag that looks like a flag is only a tag", map[string]string{"go.mod": mod, "main.go": main},
			Config{Tags: []string{"-toolexec=/bin/sh", "!x"}}, false, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cgo && gccErr != nil {
				t.Skip("no gcc")
			}
			dir := t.TempDir()
			for name, content := range tt.files {
				path := filepath.Join(dir, filepath.FromSlash(name))
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
			}
			cfg := tt.cfg
			cfg.GoRoot, cfg.Dir = goRoot, filepath.Join(dir, cfg.Dir)
			if tt.cgo {
				cfg.CC = gcc
			}
			_, err := Plan(&cfg)
			if tt.kind == "" {
				require.NoError(t, err)
				return
			}
			var pe *Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.kind, pe.Kind, pe.Message)
			assert.Equal(t, tt.arg, pe.Argument, pe.Message)
			assert.Equal(t, tt.pkg, pe.Package, pe.Message)
			want := strings.NewReplacer("{src}", cfg.Dir, "{go}", strings.TrimPrefix(goVersion, "go"), "{goroot}", goRoot).Replace(tt.want)
			assert.Contains(t, pe.Message, want)
			if pe.Kind == KindGoBuild {
				assert.True(t, strings.HasPrefix(pe.Message, want), "go's error line does not lead: %s", pe.Message)
			}
			assert.LessOrEqual(t, len(pe.Message), maxMessage+64, "the message is not bounded")
			if len(pe.Message) > 1024 {
				assert.Contains(t, pe.Message, "bytes left out …]", "go's script in the message")
			}
		})
	}
}
