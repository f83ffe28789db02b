package graph

import (
	"encoding/json"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nix-community/go-nix/pkg/derivation"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"

	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
	"github.com/nix-gograph/nix-gograph/gobridge/nixstore"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// The store paths the test's Go and C toolchains and builder stand for in
// the derivations (the planner runs the real ones at their real paths).
const (
	testGoStore      = "/nix/store/00000000000000000000000000000000-go"
	testCCStore      = "/nix/store/11111111111111111111111111111111-cc"
	testBuilderStore = "/nix/store/22222222222222222222222222222222-builder"
)

func realGoRoot(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// localModule writes the module example.com/dep@v1.0.0 (one package) to a
// directory of its own, and a main module importing it with the go.sum
// lines for it, as a module fixture that needs no network. It returns the
// main module's directory, the module-cache view the planner uses and the
// module directories in it with the store paths standing for them.
func localModule(t *testing.T) (src, view string, dirs map[string]string, storePath string) {
	root := t.TempDir()
	mod := module.Version{Path: "example.com/dep", Version: "v1.0.0"}
	depDir := filepath.Join(root, "dep")
	write := func(path, content string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	goMod := "module example.com/dep\n\ngo 1.22\n"
	write(filepath.Join(depDir, "go.mod"), goMod)
	write(filepath.Join(depDir, "dep.go"), "// Package dep is a dependency.\npackage dep\n\n// Name is its name.\nconst Name = \"dep\"\n")
	zipSum, err := dirhash.HashDir(depDir, mod.String(), dirhash.Hash1)
	require.NoError(t, err)
	goModSum, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(goMod)), nil
	})
	require.NoError(t, err)

	src = filepath.Join(root, "main")
	write(filepath.Join(src, "go.mod"), "module example.com/m\n\ngo 1.22\n\nrequire example.com/dep v1.0.0\n")
	write(filepath.Join(src, "go.sum"), mod.Path+" "+mod.Version+" "+zipSum+"\n"+mod.Path+" "+mod.Version+"/go.mod "+goModSum+"\n")
	write(filepath.Join(src, "main.go"), "package main\n\nimport \"example.com/dep\"\n\nfunc main() { println(dep.Name) }\n")

	// The module as the plugin adds it to the store.
	storePath, err = nixstore.SourcePath("gomod-"+nixstore.SanitizeName(mod.Path+"-"+mod.Version), depDir, []string{"dep.go", "go.mod"})
	require.NoError(t, err)
	view = filepath.Join(root, "modcache")
	require.NoError(t, modfetch.WriteView(view, []modfetch.ViewModule{{Mod: mod, GoMod: []byte(goMod), ZipSum: zipSum, Dir: depDir}}))
	viewDir, err := viewModuleDir(view, mod)
	require.NoError(t, err)
	return src, view, map[string]string{viewDir: storePath}, storePath
}

// testedModule writes a module whose package lib has internal and external
// tests, testdata and a test helper package only its tests import.
func testedModule(t *testing.T) string {
	src := t.TempDir()
	for name, content := range map[string]string{
		"go.mod":                  "module example.com/t\n\ngo 1.22\n",
		"main.go":                 "package main\n\nimport \"example.com/t/lib\"\n\nfunc main() { println(lib.Two()) }\n",
		"lib/lib.go":              "// Package lib is tested.\npackage lib\n\n// Two is 2.\nfunc Two() int { return 2 }\n",
		"lib/lib_test.go":         "package lib\n\nimport \"testing\"\n\nfunc TestTwo(t *testing.T) { _ = Two() }\n",
		"lib/ext_test.go":         "package lib_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/t/internal/testutil\"\n\t\"example.com/t/lib\"\n)\n\nfunc TestExt(t *testing.T) { testutil.Check(t, lib.Two()) }\n",
		"lib/testdata/x.txt":      "x\n",
		"internal/testutil/tu.go": "// Package testutil helps tests.\npackage testutil\n\nimport \"testing\"\n\n// Check checks n.\nfunc Check(t *testing.T, n int) {}\n",
	} {
		path := filepath.Join(src, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	return src
}

// TestDescriptionResolution plans real modules with the real toolchain,
// describes the plan and resolves the description into derivations, and
// checks that every derivation's inputs are exactly what its unit lists:
// the C toolchain only for the units that run the C compiler, a module
// only for its packages, and every store path an action names an input.
// The description also resolves to the same derivations after a JSON round
// trip, as modes ifd and dynamic get it.
func TestDescriptionResolution(t *testing.T) {
	goRoot := realGoRoot(t)
	gcc, gccErr := exec.LookPath("gcc")
	depSrc, view, moduleDirs, depStore := localModule(t)
	tests := []struct {
		name    string
		src     string
		cgo     bool
		modules bool
		tests   bool
		// wantCC are the units (link units as "link <id>") that run the
		// C compiler; wantModules the units reading a module.
		wantCC      []string
		wantModules map[string][]string
		wantSource  []string // some of the units with a source
	}{
		{name: "multi", src: "../../tests/fixtures/multi",
			wantSource: []string{"example.com/multi", "example.com/multi/internal/leaf"}},
		{name: "cgo", src: "../../tests/fixtures/cgo", cgo: true,
			wantCC:     []string{"example.com/cgo/hyp", "link example.com/cgo", "runtime/cgo"},
			wantSource: []string{"example.com/cgo/hyp", "example.com/cgo/pure"}},
		{name: "tests", src: testedModule(t), tests: true,
			wantSource: []string{"example.com/t", "example.com/t/lib", "example.com/t/internal/testutil",
				"example.com/t/lib [example.com/t/lib.test]", "example.com/t/lib_test [example.com/t/lib.test]"}},
		{name: "module", src: depSrc, modules: true,
			wantModules: map[string][]string{"example.com/dep": {"example.com/dep@v1.0.0"}},
			wantSource:  []string{"example.com/m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cgo && gccErr != nil {
				t.Skip("no gcc")
			}
			cfg := &plan.Config{GoRoot: goRoot, Dir: tt.src, CGO: tt.cgo, Tests: tt.tests}
			req := &Request{System: "x86_64-linux", Src: tt.src,
				Go:      StoreInput{Path: testGoStore, InputSrcs: []string{testGoStore}},
				Builder: StoreInput{Path: testBuilderStore + "/bin/builder", InputSrcs: []string{testBuilderStore}}}
			var modules map[module.Version]string
			if tt.cgo {
				cfg.CC = gcc
				req.CC = &StoreInput{Path: testCCStore, InputSrcs: []string{testCCStore}}
			}
			if tt.modules {
				cfg.ModCache, cfg.ModuleDirs = view, moduleDirs
				modules = map[module.Version]string{{Path: "example.com/dep", Version: "v1.0.0"}: depStore}
			}
			planned, err := plan.Plan(cfg)
			require.NoError(t, err)
			desc, err := describe(cfg.Dir, planned, modules)
			require.NoError(t, err)
			r, err := resolve(req, cfg.Dir, desc)
			require.NoError(t, err)

			var cc []string
			withModules := map[string][]string{}
			var withSource []string
			for _, u := range desc.Units {
				key := u.ID
				if u.Mode == "link" {
					key = "link " + u.ID
				}
				assert.True(t, u.Inputs.Toolchain, key)
				if u.Inputs.CC {
					cc = append(cc, key)
				}
				if len(u.Inputs.Modules) > 0 {
					withModules[key] = u.Inputs.Modules
				}
				if u.Inputs.Source != nil {
					withSource = append(withSource, key)
				}
			}
			slices.Sort(cc)
			assert.Equal(t, tt.wantCC, cc, "the units running the C compiler")
			if tt.wantModules == nil {
				tt.wantModules = map[string][]string{}
			}
			assert.Equal(t, tt.wantModules, withModules, "the units reading modules")
			assert.Subset(t, withSource, tt.wantSource, "units with their own source files")

			checkInputs(t, r, desc, map[string]string{goRoot: testGoStore, gcc: testCCStore})
			if tt.tests {
				// The packages only tests need are described, with their
				// files, but are not packages of the result; the test
				// binary's link is no program.
				for _, id := range []string{"example.com/t/lib [example.com/t/lib.test]", "example.com/t/lib_test [example.com/t/lib.test]"} {
					if assert.Contains(t, desc.Packages, id) {
						assert.True(t, desc.Packages[id].TestOnly, id)
						assert.NotNil(t, desc.Packages[id].Dir, id)
					}
					assert.NotContains(t, r.packages, id)
				}
				assert.Equal(t, []string{"t"}, slices.Collect(maps.Keys(r.binaries)))
				if assert.Contains(t, r.tests, "example.com/t/lib") {
					assert.Equal(t, "lib", r.tests["example.com/t/lib"].Dir)
				}
				assert.Equal(t, []string{"ext_test.go", "lib.go", "lib_test.go", "testdata/x.txt"},
					desc.Tests["example.com/t/lib"].Files)
			}

			// The description as `gograph plan-units` writes it resolves to
			// the same derivations.
			data, err := json.Marshal(desc)
			require.NoError(t, err)
			var read Description
			require.NoError(t, json.Unmarshal(data, &read))
			again, err := resolve(req, cfg.Dir, &read)
			require.NoError(t, err)
			assert.Equal(t, r.drvs.list, again.drvs.list)
			assert.Equal(t, r.sources, again.sources)
		})
	}
}

var storePathPattern = regexp.MustCompile(`/nix/store/[0-9a-z]{32}-[A-Za-z0-9+\-._?=]+`)

// checkInputs checks each derivation of r against its unit: its input
// sources and derivations are the builder's and the unit's inputs, no
// more, and every store path its action names is one of them (real tools
// are named by the store path they stand for in toolPaths).
func checkInputs(t *testing.T, r *resolved, desc *Description, toolPaths map[string]string) {
	byDrvPath := map[string]*Derivation{}
	for _, d := range r.drvs.list {
		byDrvPath[d.DrvPath] = d
	}
	drvOf := map[string]*Derivation{}
	for _, d := range r.drvs.list {
		drvOf[d.Name] = d
	}
	for _, u := range desc.Units {
		d := drvOf[u.Name]
		require.NotNil(t, d, u.Name)
		parsed, err := derivation.ReadDerivation(strings.NewReader(d.ATerm))
		require.NoError(t, err, u.Name)

		wantSrcs := []string{testBuilderStore}
		if u.Inputs.Toolchain {
			wantSrcs = append(wantSrcs, testGoStore)
		}
		if u.Inputs.CC {
			wantSrcs = append(wantSrcs, testCCStore)
		}
		for _, m := range u.Inputs.Modules {
			wantSrcs = append(wantSrcs, desc.Modules[m].StorePath)
		}
		if u.Inputs.Source != nil {
			wantSrcs = append(wantSrcs, sourcePath(t, r, desc.Packages[*u.Inputs.Source].SourceName))
		}
		slices.Sort(wantSrcs)
		assert.Equal(t, slices.Compact(wantSrcs), parsed.InputSources, "input sources of %s", u.Name)
		assert.Len(t, parsed.InputDerivations, len(u.Inputs.Deps), "input derivations of %s", u.Name)

		// Every store path the action names is an input.
		action := parsed.Env["gographAction"]
		for tool, store := range toolPaths {
			action = strings.ReplaceAll(action, tool, store)
		}
		inputs := map[string]bool{}
		for _, s := range parsed.InputSources {
			inputs[s] = true
		}
		for drvPath := range parsed.InputDerivations {
			dep := byDrvPath[drvPath]
			require.NotNil(t, dep, "%s: input %s", u.Name, drvPath)
			inputs[dep.Outputs["out"]] = true
		}
		for _, p := range storePathPattern.FindAllString(action, -1) {
			// The pattern may take in a following "=" (-trimpath's "=>").
			named := func(input string) bool { return strings.HasPrefix(p, input) }
			assert.True(t, slices.ContainsFunc(slices.Collect(maps.Keys(inputs)), named),
				"%s names %s, which is not among its inputs", u.Name, p)
		}
	}
}

// sourcePath is the store path of the source named name in r.
func sourcePath(t *testing.T, r *resolved, name string) string {
	for _, s := range r.sources {
		if s.Name == name {
			return s.Path
		}
	}
	t.Fatalf("no source %s", name)
	return ""
}

func TestFillPlaceholders(t *testing.T) {
	archive := func(ip string) (string, error) {
		if ip == "fmt" {
			return "/nix/store/x-go-fmt/pkg.a", nil
		}
		return "", assert.AnError
	}
	source := func(id string) (string, error) { return "/nix/store/y-src", nil }
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "packagefile fmt=$GOGRAPH_ARCHIVE{fmt}\n", want: "packagefile fmt=/nix/store/x-go-fmt/pkg.a\n"},
		{in: `{"storePath":"$GOGRAPH_SOURCE{example.com/m}"}`, want: `{"storePath":"/nix/store/y-src"}`},
		// An escaped "$" (a "$" the user wrote) starts no placeholder.
		{in: "-X main.v=$$GOGRAPH_ARCHIVE{fmt}", want: "-X main.v=$$GOGRAPH_ARCHIVE{fmt}"},
		{in: "$$$GOGRAPH_ARCHIVE{fmt}", want: "$$/nix/store/x-go-fmt/pkg.a"},
		{in: "$WORK/b001 $GOGRAPH_OTHER{x}", want: "$WORK/b001 $GOGRAPH_OTHER{x}"},
		{in: "$GOGRAPH_ARCHIVE{os}", wantErr: assert.AnError.Error()},
		{in: "$GOGRAPH_ARCHIVE{fmt", wantErr: "unterminated placeholder"},
	}
	for _, tt := range tests {
		got, err := fillPlaceholders(tt.in, archive, source)
		if tt.wantErr != "" {
			assert.ErrorContains(t, err, tt.wantErr, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}
