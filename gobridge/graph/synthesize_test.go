package graph

import (
	"context"
	"encoding/json"
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

	"github.com/nix-gograph/nix-gograph/gobridge/internal/mkproxytest"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// These tests plan modules with the real toolchain and check what the
// plugin gets from synthesize as the shim sees it (docs/abi.md): properties
// that hold whatever the units look like.

// The store paths the request's toolchain and builder stand for; the builder
// is the output of a derivation, as in real use.
const (
	synthGoStore      = "/nix/store/33333333333333333333333333333333-go"
	synthBuilderStore = "/nix/store/44444444444444444444444444444444-gograph-builder"
	synthBuilderDrv   = "/nix/store/55555555555555555555555555555555-gograph-builder.drv"
	synthBuilderHash  = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

var anyStorePath = regexp.MustCompile(`/nix/store/[0-9a-z]{32}-[A-Za-z0-9+\-._?=]+`)

// synthGoRoot is the real toolchain's GOROOT.
func synthGoRoot(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	return strings.TrimSpace(string(out))
}

// isolateModuleIndex points the planner's module index (in the user's
// cache directory) at a fresh directory, keeping go's own build cache,
// which would otherwise move with it.
func isolateModuleIndex(t *testing.T) {
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	require.NoError(t, err)
	t.Setenv("GOCACHE", strings.TrimSpace(string(out)))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
}

// writeTree writes files (path -> content) below dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
}

// moduleWithDeps is a main module with two binaries, an embedded file, a
// tested package with testdata, and a third-party module served by p.
func moduleWithDeps(t *testing.T, p *mkproxytest.Proxy) string {
	src := t.TempDir()
	goSum := p.Publish("example.com/dep", "v1.0.0", "dep.go", "inner/inner.go")
	writeTree(t, src, map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.22\n\nrequire example.com/dep v1.0.0\n",
		"go.sum": goSum,
		"main.go": "package main\n\nimport (\n\t_ \"example.com/dep\"\n\n\t\"example.com/app/internal/lib\"\n)\n\n" +
			"func main() { println(lib.Data) }\n",
		"cmd/tool/main.go":            "package main\n\nimport _ \"example.com/dep/inner\"\n\nfunc main() {}\n",
		"internal/lib/lib.go":         "package lib\n\nimport _ \"embed\"\n\n//go:embed data.txt\nvar Data string\n",
		"internal/lib/data.txt":       "data\n",
		"internal/lib/lib_test.go":    "package lib\n\nimport \"testing\"\n\nfunc TestData(t *testing.T) {\n\tif Data == \"\" {\n\t\tt.Fatal(\"empty\")\n\t}\n}\n",
		"internal/lib/testdata/x.txt": "x\n",
	})
	return src
}

// synthesizeFor plans src as the plugin does (modules fetched from GOPROXY
// into scratch) but with the real toolchain standing for synthGoStore, and
// returns the request and the result.
func synthesizeFor(t *testing.T, src string, tests bool) (*Request, *Result) {
	req := synthesizeRequest(src, tests)
	cfg := req.PlanConfig()
	cfg.GoRoot = synthGoRoot(t)
	mods, err := prepareModules(context.Background(), src, nil, t.TempDir(), &Policy{})
	require.NoError(t, err)
	if mods != nil {
		require.NoError(t, mods.writeView())
		cfg.ModCache, cfg.ModuleDirs = mods.view, mods.dirs
	}
	planned, err := plan.Plan(cfg)
	require.NoError(t, err)
	desc, err := describe(cfg.Dir, planned, mods.paths())
	require.NoError(t, err)
	res, err := synthesize(req, cfg.Dir, desc, mods, false)
	require.NoError(t, err)
	return req, res
}

// synthesizeRequest is the request for src with synthGoStore and the
// builder synthBuilderStore.
func synthesizeRequest(src string, tests bool) *Request {
	return &Request{Src: src, System: "x86_64-linux", Tests: tests,
		Go: StoreInput{Path: synthGoStore, InputSrcs: []string{synthGoStore}},
		Builder: StoreInput{Path: synthBuilderStore + "/bin/gograph-builder",
			InputDrvs: []InputDrv{{DrvPath: synthBuilderDrv, Outputs: []string{"out"}, HashModulo: synthBuilderHash}}},
	}
}

// abiValue is the part of Result.Value the test reads, as the shim gets it.
type abiValue struct {
	ModulePath string `json:"modulePath"`
	Packages   map[string]struct {
		Kind    string            `json:"kind"`
		Imports []string          `json:"imports"`
		Src     map[string]string `json:"src"`
		Drv     map[string]string `json:"drv"`
	} `json:"packages"`
	Binaries map[string]map[string]string `json:"binaries"`
	Tests    map[string]struct {
		Binary map[string]string `json:"binary"`
		Src    map[string]string `json:"src"`
		Dir    string            `json:"dir"`
	} `json:"tests"`
}

func TestSynthesize(t *testing.T) {
	isolateModuleIndex(t)
	p := mkproxytest.New(t)
	t.Setenv("GOPROXY", "file://"+p.Dir)
	t.Setenv("GOPRIVATE", "")
	t.Setenv("GONOPROXY", "")
	tests := []struct {
		name         string
		src          string
		tests        bool
		wantBinaries []string
		wantTests    map[string]string // tested package -> its dir
		wantModules  []string          // module sources' names
	}{
		{name: "multi", src: "../../tests/fixtures/multi", wantBinaries: []string{"multi"}},
		{name: "modules and tests", src: moduleWithDeps(t, p), tests: true,
			wantBinaries: []string{"app", "tool"},
			wantTests:    map[string]string{"example.com/app/internal/lib": "internal/lib"},
			wantModules:  []string{"gomod-example.com-dep-v1.0.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, res := synthesizeFor(t, tt.src, tt.tests)
			// What the shim gets.
			data, err := json.Marshal(res)
			require.NoError(t, err)
			var got struct {
				Result
				Value abiValue `json:"value"`
			}
			require.NoError(t, json.Unmarshal(data, &got))

			drvs := checkDerivations(t, req, res.Derivations)
			sources := checkSources(t, req, res, drvs)
			for _, name := range tt.wantModules {
				assert.Contains(t, sources, name, "module source")
			}
			checkValue(t, got.Value, drvs, sources)
			assert.ElementsMatch(t, tt.wantBinaries, slices.Collect(maps.Keys(got.Value.Binaries)))
			gotTests := map[string]string{}
			for ip, tv := range got.Value.Tests {
				gotTests[ip] = tv.Dir
				require.Contains(t, drvs, tv.Binary["__gographDerivation"], "test binary of %s", ip)
				assert.Contains(t, sourcePaths(res), tv.Src["__gographStorePath"], "test directory of %s", ip)
			}
			if tt.wantTests == nil {
				tt.wantTests = map[string]string{}
			}
			assert.Equal(t, tt.wantTests, gotTests)
		})
	}
}

// checkDerivations checks that each derivation is what Nix would make of
// its ATerm — parsed, re-encoded, its .drv path and output paths
// recomputed with go-nix from its inputs' hashes — that inputs come first,
// and that every store path it names is one of its inputs. It returns the
// derivations parsed, by .drv path.
func checkDerivations(t *testing.T, req *Request, list []*Derivation) map[string]*derivation.Derivation {
	// hashDerivationModulo of each known derivation, as Nix computes it.
	replacements := map[string]string{synthBuilderDrv: synthBuilderHash}
	outputs := map[string]map[string]string{synthBuilderDrv: {"out": synthBuilderStore}}
	parsed := map[string]*derivation.Derivation{}
	for _, d := range list {
		drv, err := derivation.ReadDerivation(strings.NewReader(d.ATerm))
		require.NoError(t, err, d.Name)
		require.NoError(t, drv.Validate(), d.Name)
		var aterm strings.Builder
		require.NoError(t, drv.WriteDerivation(&aterm))
		assert.Equal(t, d.ATerm, aterm.String(), "%s: the ATerm is canonical", d.Name)
		assert.Equal(t, d.Name, drv.Env["name"])
		assert.Equal(t, req.System, drv.Platform)
		assert.Equal(t, req.Builder.Path, drv.Builder)
		assert.NotContains(t, parsed, d.DrvPath, "%s is listed once", d.DrvPath)

		for input := range drv.InputDerivations {
			assert.Contains(t, replacements, input, "%s: input %s comes first", d.Name, input)
		}
		drvPath, err := drv.DrvPath()
		require.NoError(t, err)
		assert.Equal(t, drvPath, d.DrvPath, d.Name)
		assert.True(t, strings.HasSuffix(d.DrvPath, "-"+d.Name+".drv"), d.DrvPath)
		paths, err := drv.CalculateOutputPaths(replacements)
		require.NoError(t, err, d.Name)
		assert.Equal(t, paths, d.Outputs, "%s: output paths", d.Name)
		for name, path := range paths {
			assert.Equal(t, path, drv.Outputs[name].Path, "%s: output %s", d.Name, name)
			assert.Equal(t, path, drv.Env[name], "%s: $%s", d.Name, name)
		}
		replacements[d.DrvPath], err = drv.CalculateDrvReplacement(replacements)
		require.NoError(t, err)
		outputs[d.DrvPath] = paths
		parsed[d.DrvPath] = drv

		// Every store path the derivation names is an input (or an output).
		var inputs []string
		inputs = append(inputs, drv.InputSources...)
		for input, outs := range drv.InputDerivations {
			for _, o := range outs {
				require.Contains(t, outputs[input], o, "%s: %s has an output %s", d.Name, input, o)
				inputs = append(inputs, outputs[input][o])
			}
		}
		for _, path := range paths {
			inputs = append(inputs, path)
		}
		for name, value := range drv.Env {
			for _, p := range anyStorePath.FindAllString(value, -1) {
				// The pattern may take in what follows a path (-trimpath's "=>").
				named := func(input string) bool { return p == input || strings.HasPrefix(p, input) }
				assert.True(t, slices.ContainsFunc(inputs, named),
					"%s: $%s names %s, which is not among its inputs", d.Name, name, p)
			}
		}
	}
	return parsed
}

// checkSources checks that each source is made of existing files and that
// every input source of every derivation is a source the shim adds first
// or came with the request. It returns the sources by name.
func checkSources(t *testing.T, req *Request, res *Result, drvs map[string]*derivation.Derivation) map[string]Source {
	byName := map[string]Source{}
	for _, s := range res.Sources {
		assert.True(t, strings.HasSuffix(s.Path, "-"+s.Name), "%s is named %s", s.Path, s.Name)
		for _, f := range s.Files {
			assert.FileExists(t, filepath.Join(s.Root, filepath.FromSlash(f)), "file of source %s", s.Name)
		}
		byName[s.Name] = s
	}
	known := sourcePaths(res)
	known = append(known, req.Go.InputSrcs...)
	known = append(known, req.Builder.InputSrcs...)
	for drvPath, drv := range drvs {
		for _, src := range drv.InputSources {
			assert.Contains(t, known, src, "input source of %s", drvPath)
		}
	}
	return byName
}

// checkValue checks the value's references: every derivation is written,
// every source added; each compile derivation has its imports' as inputs
// and each link derivation those of every package the binary contains.
func checkValue(t *testing.T, v abiValue, drvs map[string]*derivation.Derivation, sources map[string]Source) {
	srcPaths := map[string]bool{}
	for _, s := range sources {
		srcPaths[s.Path] = true
	}
	drvOf := map[string]string{}
	for ip, pkg := range v.Packages {
		if path := pkg.Src["__gographStorePath"]; path != "" {
			assert.True(t, srcPaths[path], "%s: src %s is a source", ip, path)
		} else {
			assert.Equal(t, "std", pkg.Kind, "%s has no src", ip)
		}
		if drvPath := pkg.Drv["__gographDerivation"]; drvPath != "" {
			require.Contains(t, drvs, drvPath, "%s: drv", ip)
			drvOf[ip] = drvPath
		}
	}
	for ip, pkg := range v.Packages {
		drv := drvs[drvOf[ip]]
		if drv == nil {
			continue
		}
		for _, imp := range pkg.Imports {
			if dep, ok := drvOf[imp]; ok {
				assert.Contains(t, drv.InputDerivations, dep, "%s's derivation has %s's as input", ip, imp)
			}
		}
	}
	for name, bin := range v.Binaries {
		link := drvs[bin["__gographDerivation"]]
		require.NotNil(t, link, "binary %s", name)
		// The main package: the one compile input no other input imports.
		var closure []string
		var visit func(ip string)
		visit = func(ip string) {
			if slices.Contains(closure, ip) {
				return
			}
			closure = append(closure, ip)
			for _, imp := range v.Packages[ip].Imports {
				visit(imp)
			}
		}
		for ip, drvPath := range drvOf {
			if _, ok := link.InputDerivations[drvPath]; ok && v.Packages[ip].Kind == "main-module" {
				visit(ip)
			}
		}
		require.NotEmpty(t, closure, "binary %s links main-module packages", name)
		for _, ip := range closure {
			if dep, ok := drvOf[ip]; ok {
				assert.Contains(t, link.InputDerivations, dep, "binary %s links %s", name, ip)
			}
		}
	}
}

func sourcePaths(res *Result) []string {
	var paths []string
	for _, s := range res.Sources {
		paths = append(paths, s.Path)
	}
	return paths
}

// TestSynthesizeContentAddressed plans the multi fixture content-addressed:
// every compile is floating content-addressed with the outputs out and
// export, names its dependencies' export and reads them as inputs; links
// name the dependencies' out, have both outputs as inputs (resolve.go says
// why) and are deferred; every output not
// known until built is announced as Nix's placeholder for it. (go-nix does
// not read derivations with two content-addressed outputs; the ATerm is
// checked as text. TestDrvSetContentAddressedMatchesNix checks the hashing.)
func TestSynthesizeContentAddressed(t *testing.T) {
	isolateModuleIndex(t)
	req := synthesizeRequest("../../tests/fixtures/multi", false)
	req.ContentAddressed = true
	cfg := req.PlanConfig()
	cfg.GoRoot = synthGoRoot(t)
	planned, err := plan.Plan(cfg)
	require.NoError(t, err)
	desc, err := describe(cfg.Dir, planned, nil)
	require.NoError(t, err)
	require.True(t, desc.ContentAddressed)
	res, err := synthesize(req, cfg.Dir, desc, nil, false)
	require.NoError(t, err)

	inputDrv := regexp.MustCompile(`\("(/nix/store/[^"]+\.drv)",\[([^\]]*)\]\)`)
	kinds := map[string]int{}
	for _, d := range res.Derivations {
		for _, name := range d.OutputNames {
			assert.Equal(t, downstreamPlaceholder(d.DrvPath, name), d.Outputs[name], "%s: output %s", d.Name, name)
		}
		read, inputs := `"out"`, `"export","out"`
		if strings.HasPrefix(d.Name, "go-") {
			kinds["compile"]++
			read, inputs = `"export"`, `"export"`
			assert.Equal(t, []string{"out", "export"}, d.OutputNames, d.Name)
			assert.True(t, strings.HasPrefix(d.ATerm, `Derive([("export","","r:sha256",""),("out","","r:sha256","")],`), d.Name)
			for _, o := range caOutputs {
				assert.Contains(t, d.ATerm, `("`+o+`","`+hashPlaceholder(o)+`")`, "%s: $%s", d.Name, o)
			}
			assert.Contains(t, d.ATerm, `("outputs","out export")`, d.Name)
			assert.Contains(t, d.ATerm, `-linkobj`, d.Name)
		} else {
			kinds["link"]++
			assert.Equal(t, []string{"out"}, d.OutputNames, d.Name)
			assert.True(t, strings.HasPrefix(d.ATerm, `Derive([("out","","","")],`), "%s is deferred", d.Name)
			assert.Contains(t, d.ATerm, `("out","")`, d.Name)
		}
		// Each dependency's archive is named through the placeholder of the
		// output the derivation reads; a compile has only that output as
		// an input.
		for _, m := range inputDrv.FindAllStringSubmatch(d.ATerm, -1) {
			if m[1] == synthBuilderDrv {
				continue
			}
			kinds["read "+read]++
			assert.Equal(t, inputs, m[2], "%s reads %s", d.Name, m[1])
			assert.Contains(t, d.ATerm, downstreamPlaceholder(m[1], strings.Trim(read, `"`))+"/pkg.a", d.Name)
		}
	}
	assert.Equal(t, len(res.Derivations)-1, kinds["compile"])
	assert.Equal(t, 1, kinds["link"])
	assert.Positive(t, kinds[`read "export"`], "compiles read their dependencies' export data")
	assert.Equal(t, kinds["compile"], kinds[`read "out"`], "the link reads every compile's object")
}

// TestSynthesizeLibraries: the zlib fixture (`#cgo pkg-config: zlib`)
// planned with a library: the compile of its cgo package and the link list
// the library among their inputs and have it in CPATH; no other derivation
// of the plan does.
func TestSynthesizeLibraries(t *testing.T) {
	isolateModuleIndex(t)
	gcc, err := exec.LookPath("gcc")
	require.NoError(t, err)
	pkgConfig, err := exec.LookPath("pkg-config")
	require.NoError(t, err)
	lib := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(lib, "lib", "pkgconfig"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(lib, "lib", "pkgconfig", "zlib.pc"), []byte(
		"prefix="+lib+"\nName: zlib\nDescription: test\nVersion: 1\nCflags: -I${prefix}/include\nLibs: -L${prefix}/lib -lz\n"), 0o644))
	const libStore = "/nix/store/44444444444444444444444444444444-zlib"

	req := synthesizeRequest("../../tests/fixtures/zlib", false)
	req.CGO = true
	req.CC = &StoreInput{Path: "/nix/store/55555555555555555555555555555555-cc", InputSrcs: []string{"/nix/store/55555555555555555555555555555555-cc"}}
	req.BuildInputs = []StoreInput{{Path: lib}}
	cfg := req.PlanConfig()
	require.Equal(t, []string{lib}, cfg.Libraries)
	cfg.GoRoot, cfg.CC, cfg.PkgConfig = synthGoRoot(t), gcc, pkgConfig
	planned, err := plan.Plan(cfg)
	require.NoError(t, err)
	desc, err := describe(cfg.Dir, planned, nil)
	require.NoError(t, err)
	// The derivations name the library by its store path.
	req.BuildInputs = []StoreInput{{Path: libStore, InputSrcs: []string{libStore}}}
	res, err := synthesize(req, cfg.Dir, desc, nil, false)
	require.NoError(t, err)

	var using, names []string
	for _, d := range res.Derivations {
		drv, err := derivation.ReadDerivation(strings.NewReader(d.ATerm))
		require.NoError(t, err, d.Name)
		uses := slices.Contains(drv.InputSources, libStore)
		assert.Equal(t, uses, strings.Contains(d.ATerm, "CPATH="+lib+"/include"), "%s: CPATH and the input go together", d.Name)
		if uses {
			using = append(using, d.Name)
		}
		names = append(names, d.Name)
	}
	assert.Subset(t, names, []string{"go-example.com-zlib-pure", "go-example.com-zlib", "go-runtime-cgo"})
	assert.ElementsMatch(t, []string{"go-example.com-zlib-gz", "zlib-link"}, using,
		"only the cgo package's compile and the link depend on the library")
}
