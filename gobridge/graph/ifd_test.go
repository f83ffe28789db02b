package graph

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
	"github.com/nix-gograph/nix-gograph/gobridge/internal/mkproxytest"
	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// ifdModules fetches the modules of src's go.sum from GOPROXY as the lock
// file's fixed-output derivations would: each go.mod to a file and each
// module's content to a directory of its own. It returns them as an IFD
// request lists them.
func ifdModules(t *testing.T, src string) []IFDModule {
	data, err := os.ReadFile(filepath.Join(src, "go.sum"))
	require.NoError(t, err)
	sums, err := modfetch.ParseGoSum("go.sum", data)
	require.NoError(t, err)
	f, err := modfetch.NewFetcher(modfetch.ConfigFromEnv())
	require.NoError(t, err)
	var mods []IFDModule
	for mod, sum := range sums {
		m := IFDModule{Path: mod.Path, Version: mod.Version}
		if sum.GoMod != "" {
			goMod, err := f.GoMod(t.Context(), mod, sum.GoMod)
			require.NoError(t, err)
			m.GoMod = filepath.Join(t.TempDir(), "go.mod")
			require.NoError(t, os.WriteFile(m.GoMod, goMod, 0o444))
		}
		if sum.Zip != "" {
			m.H1, m.Dir = sum.Zip, filepath.Join(t.TempDir(), "module")
			require.NoError(t, f.Zip(t.Context(), mod, sum.Zip, m.Dir))
		}
		mods = append(mods, m)
	}
	return mods
}

// TestModuleView checks that the module cache view of an IFD request is
// one the real go command builds from, offline, reading each module from
// the directory the request names.
func TestModuleView(t *testing.T) {
	isolateModuleIndex(t)
	p := mkproxytest.New(t)
	t.Setenv("GOPROXY", "file://"+p.Dir)
	src := moduleWithDeps(t, p)
	mods := ifdModules(t, src)
	require.Len(t, mods, 1)
	dep := mods[0]

	noSum := t.TempDir()
	writeTree(t, noSum, map[string]string{"go.mod": "module example.com/nosum\n\ngo 1.22\n", "main.go": "package main\n\nfunc main() {}\n"})
	otherGoMod := filepath.Join(t.TempDir(), "go.mod")
	require.NoError(t, os.WriteFile(otherGoMod, []byte("module example.com/other\n"), 0o444))
	badSum := t.TempDir()
	writeTree(t, badSum, map[string]string{"go.mod": "module example.com/badsum\n\ngo 1.22\n", "go.sum": "example.com/dep v1.0.0\n"})

	tests := []struct {
		name     string
		src      string
		modules  []IFDModule
		wantDirs bool // the view maps the module's directory to dep.Dir
		kind     plan.ErrorKind
	}{
		{name: "module with content", src: src, modules: mods, wantDirs: true},
		{name: "no go.sum", src: noSum},
		{name: "malformed go.sum", src: badSum, kind: plan.KindGoSum},
		{name: "go.mod file missing", src: src, kind: plan.KindModule,
			modules: []IFDModule{{Path: dep.Path, Version: dep.Version, GoMod: filepath.Join(t.TempDir(), "nothing"), Dir: dep.Dir, H1: dep.H1}}},
		{name: "a go.mod go.sum does not pin", src: src, kind: plan.KindModule,
			modules: []IFDModule{{Path: dep.Path, Version: dep.Version, GoMod: otherGoMod, Dir: dep.Dir, H1: dep.H1}}},
		{name: "a lock entry no go.sum pins is left out", src: src, wantDirs: true,
			modules: append(slices.Clone(mods), IFDModule{Path: "example.com/extra", Version: "v1.0.0", GoMod: otherGoMod, Dir: dep.Dir, H1: dep.H1})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &IFDRequest{Request: Request{Src: tt.src}, Modules: tt.modules}
			root := filepath.Join(t.TempDir(), "modcache")
			view, dirs, err := req.ModuleView(root, nil)
			if tt.kind != "" {
				var pe *plan.Error
				require.True(t, errors.As(err, &pe), "%v", err)
				assert.Equal(t, tt.kind, pe.Kind)
				return
			}
			require.NoError(t, err)
			if !tt.wantDirs {
				assert.Empty(t, dirs)
				return
			}
			assert.Equal(t, root, view)
			viewDir, err := viewModuleDir(view, module.Version{Path: dep.Path, Version: dep.Version})
			require.NoError(t, err)
			assert.Equal(t, map[string]string{viewDir: dep.Dir}, dirs)

			// go builds from the view alone, and checks it against go.sum.
			cmd := exec.Command("go", "list", "-deps", "-f", "{{if .Module}}{{.ImportPath}} {{.Dir}}{{end}}", "./...")
			cmd.Dir = tt.src
			cmd.Env = append(os.Environ(), "GOMODCACHE="+view, "GOPROXY=off", "GOFLAGS=-mod=readonly",
				"GOWORK=off", "GOTOOLCHAIN=local", "GOSUMDB=off", "GOENV=off")
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			assert.Contains(t, string(out), "example.com/dep "+viewDir+"\n")
			assert.Contains(t, string(out), "example.com/dep/inner "+filepath.Join(viewDir, "inner")+"\n")
		})
	}
}

// TestPlanUnitsErrors checks the errors of the IFD planner's entry point.
func TestPlanUnitsErrors(t *testing.T) {
	store := "/nix/store/00000000000000000000000000000000-x"
	tests := []struct {
		name     string
		req      Request
		kind     plan.ErrorKind
		argument string
	}{
		{"no src", Request{System: "x86_64-linux", Go: StoreInput{Path: store}, Builder: StoreInput{Path: store}},
			plan.KindBadArgument, "src"},
		{"go outside the store", Request{Src: "../../tests/fixtures/hello", System: "x86_64-linux",
			Go: StoreInput{Path: "/usr/local/go"}, Builder: StoreInput{Path: store}}, plan.KindBadArgument, "go"},
		{"no system", Request{Src: "../../tests/fixtures/hello", Go: StoreInput{Path: store},
			Builder: StoreInput{Path: store}}, plan.KindBadArgument, "system"},
		{"cgo without cc", Request{Src: "../../tests/fixtures/hello", System: "x86_64-linux", CGO: true,
			Go: StoreInput{Path: store}, Builder: StoreInput{Path: store}}, plan.KindBadArgument, "cc"},
		{"no go.mod", Request{Src: t.TempDir(), System: "x86_64-linux",
			Go: StoreInput{Path: store}, Builder: StoreInput{Path: store}}, plan.KindNoModule, "src"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PlanUnits(&IFDRequest{Request: tt.req})
			var pe *plan.Error
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Equal(t, tt.kind, pe.Kind)
			assert.Equal(t, tt.argument, pe.Argument)
		})
	}
}

// ifdExport is PlanUnits for req with the real toolchain standing for
// req.Go (PlanUnits itself insists on a toolchain in the store), returned
// as `gograph plan-units` writes it. It also returns the module cache
// view planning used.
func ifdExport(t *testing.T, req *IFDRequest) (map[string]any, string) {
	cfg := req.PlanConfig()
	cfg.GoRoot = synthGoRoot(t)
	var err error
	cfg.ModCache, cfg.ModuleDirs, err = req.ModuleView(filepath.Join(t.TempDir(), "modcache"), nil)
	require.NoError(t, err)
	planned, err := plan.Plan(cfg)
	require.NoError(t, err)
	modules := map[module.Version]string{}
	for _, m := range req.Modules {
		if m.Dir != "" {
			modules[module.Version{Path: m.Path, Version: m.Version}] = m.Dir
		}
	}
	desc, err := describe(cfg.Dir, planned, modules)
	require.NoError(t, err)
	data, err := json.Marshal(desc)
	require.NoError(t, err)
	var export map[string]any
	require.NoError(t, json.Unmarshal(data, &export))
	return export, cfg.ModCache
}

// TestIFDExport checks what the IFD planner exports for nixexpr to resolve:
// units in dependency order whose actions are well-formed, refer to other
// units and to source files only through placeholders that resolve, and
// never name the planner's own scratch (the module cache view) or the
// module root, neither of which exists where the units build; and the
// same units, by name, as the plugin's derivations for the same module.
func TestIFDExport(t *testing.T) {
	isolateModuleIndex(t)
	p := mkproxytest.New(t)
	t.Setenv("GOPROXY", "file://"+p.Dir)
	withDeps := moduleWithDeps(t, p)
	tests := []struct {
		name  string
		src   string
		tests bool
	}{
		{name: "multi", src: "../../tests/fixtures/multi"},
		{name: "modules and tests", src: withDeps, tests: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := filepath.Abs(tt.src)
			require.NoError(t, err)
			req := &IFDRequest{Request: Request{Src: src, System: "x86_64-linux", Tests: tt.tests,
				Go:      StoreInput{Path: synthGoStore, InputSrcs: []string{synthGoStore}},
				Builder: StoreInput{Path: synthBuilderStore + "/bin/gograph-builder"}}}
			if _, err := os.Stat(filepath.Join(src, "go.sum")); err == nil {
				req.Modules = ifdModules(t, src)
			}
			export, view := ifdExport(t, req)

			packages, _ := export["packages"].(map[string]any)
			require.NotEmpty(t, packages)
			units, _ := export["units"].([]any)
			require.NotEmpty(t, units)
			seen := map[string]bool{}
			var names []string
			for _, u := range units {
				unit := u.(map[string]any)
				name, _ := unit["name"].(string)
				names = append(names, name)
				text, _ := unit["action"].(string)
				var a action.Action
				require.NoError(t, json.Unmarshal([]byte(text), &a), name)
				assert.Equal(t, unit["mode"], a.Mode, name)
				assert.NotEmpty(t, a.Steps, name)
				if view != "" {
					assert.NotContains(t, text, view, "%s names the planner's module cache view", name)
				}
				assert.NotContains(t, text, src, "%s names the module root", name)

				// Every archive it names is a compile unit before it; every
				// source files it names are a package's, which exist.
				_, err := fillPlaceholders(text, func(ip string) (string, error) {
					assert.True(t, seen[ip], "%s names the archive of %s, not planned before it", name, ip)
					return "/nix/store/x-" + ip, nil
				}, func(id string) (string, error) {
					pkg, _ := packages[id].(map[string]any)
					require.NotNil(t, pkg, "%s names the files of %s, which is no package", name, id)
					dir, _ := pkg["dir"].(string)
					files, _ := pkg["files"].([]any)
					assert.NotEmpty(t, files, "%s has files", id)
					for _, f := range files {
						assert.FileExists(t, filepath.Join(src, dir, f.(string)))
					}
					return "/nix/store/y-" + id, nil
				})
				require.NoError(t, err, name)
				if a.Mode == "compile" {
					seen[unit["id"].(string)] = true
				}
			}

			// The plugin plans the same units.
			_, res := synthesizeFor(t, src, tt.tests)
			var drvNames []string
			for _, d := range res.Derivations {
				drvNames = append(drvNames, d.Name)
			}
			assert.ElementsMatch(t, drvNames, names)
			for _, n := range names {
				assert.False(t, strings.Contains(n, "/"), "unit name %s", n)
			}
		})
	}
}

// TestCheckModules: the modules of an IFD request must be what the go.sum
// files pin (in a workspace the lock is the only other list of them).
func TestCheckModules(t *testing.T) {
	mod := module.Version{Path: "example.com/a", Version: "v1.0.0"}
	const h1 = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	sums := map[module.Version]*modfetch.Sum{mod: {Mod: mod, Zip: h1}}
	goModOnly := map[module.Version]*modfetch.Sum{mod: {Mod: mod, GoMod: h1}}
	tests := []struct {
		name string
		sums map[module.Version]*modfetch.Sum
		mods []IFDModule
		err  string
	}{
		{"the module, fetched against go.sum's hash", sums,
			[]IFDModule{{Path: mod.Path, Version: mod.Version, Dir: "/nix/store/x", H1: h1}}, ""},
		{"a module go.sum pins only the go.mod of needs no content", goModOnly,
			[]IFDModule{{Path: mod.Path, Version: mod.Version, GoMod: "/nix/store/x.mod"}}, ""},
		{"a go.mod missing from the lock", goModOnly, nil,
			"module example.com/a@v1.0.0 is in go.sum but not in the lock file"},
		{"a module fetched with no hash", sums,
			[]IFDModule{{Path: mod.Path, Version: mod.Version, Dir: "/nix/store/x"}},
			"module example.com/a@v1.0.0: go.sum's hash " + h1 + " is not the lock file's \"\""},
		{"a module missing from the lock", sums, nil,
			"module example.com/a@v1.0.0 is in go.sum but not in the lock file"},
		{"a module fetched against another hash", sums,
			[]IFDModule{{Path: mod.Path, Version: mod.Version, Dir: "/nix/store/x", H1: "h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="}},
			"module example.com/a@v1.0.0: go.sum's hash " + h1 + " is not the lock file's \"h1:BBBB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&IFDRequest{Modules: tt.mods}).checkModules(tt.sums)
			if tt.err == "" {
				assert.NoError(t, err)
				return
			}
			var pe *plan.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, plan.KindModule, pe.Kind)
			assert.Equal(t, mod.String(), pe.Package)
			assert.Contains(t, pe.Message, tt.err)
		})
	}
}
