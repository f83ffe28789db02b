package plan

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/srcfs/srcfstest"
)

func TestReadWorkspace(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  *Workspace // nil: no workspace (or an error)
		kind  ErrorKind  // "" for no error
		msg   string
	}{
		{"no go.work", map[string]string{"go.mod": "module m\n"}, nil, "", ""},
		{"a block of uses, duplicates dropped",
			map[string]string{"go.work": "go 1.22\n\nuse (\n\t./app1\n\t./lib/\n\tlib\n\t.\n)\n"},
			&Workspace{GoVersion: "1.22", Use: []string{"app1", "lib", "."}}, "", ""},
		{"a use outside src",
			map[string]string{"go.work": "go 1.22\n\nuse ./app\nuse ../other\n"},
			nil, KindOutsideSrc, "go.work:4: use ../other: the directory is outside src"},
		{"an absolute use outside src",
			map[string]string{"go.work": "go 1.22\n\nuse /etc\n"},
			nil, KindOutsideSrc, "go.work:3: use /etc: the directory is outside src"},
		{"a replace outside src",
			map[string]string{"go.work": "go 1.22\n\nuse ./app\n\nreplace example.com/y => ../y\n"},
			nil, KindOutsideSrc, "go.work:5: replace example.com/y => ../y: the directory is outside src"},
		{"a replace inside src is fine",
			map[string]string{"go.work": "go 1.22\n\nuse ./app\n\nreplace example.com/y v1.0.0 => ./third_party/y\n"},
			&Workspace{GoVersion: "1.22", Use: []string{"app"}}, "", ""},
		{"no use", map[string]string{"go.work": "go 1.22\n"}, nil, KindNoModule, "go.work uses no module"},
		{"a use of the directory beside src", map[string]string{"go.work": "go 1.22\n\nuse ../outside/dir\n"},
			nil, KindOutsideSrc, "go.work:3: use ../outside/dir: the directory is outside src"},
		{"a go.work that does not parse", map[string]string{"go.work": "go 1.22\nmodule x\n"},
			nil, KindNoModule, "go.work:2: unknown directive: module"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, err := ReadWorkspace(srcfstest.Tree(t, tt.files, nil))
			if tt.kind == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, ws)
				return
			}
			var pe *Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.kind, pe.Kind)
			assert.Contains(t, pe.Message, tt.msg)
		})
	}
}

// TestReadWorkspaceLink: a go.work or go.sum symlink leaving src is refused
// before anything of its target is read.
func TestReadWorkspaceLink(t *testing.T) {
	src := srcfstest.Tree(t, map[string]string{"go.work": "go 1.22\n\nuse ./app\n"},
		map[string]string{"app/go.sum": "@outside/secret.txt"})
	ws, err := ReadWorkspace(src)
	require.NoError(t, err)
	_, err = ReadGoSums(src, ws)
	var pe *Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, KindOutsideSrc, pe.Kind)
	assert.NotContains(t, pe.Message, srcfstest.Secret)

	src = srcfstest.Tree(t, map[string]string{"go.work": "go 1.22\n\nuse ./app\n"}, map[string]string{"app": "@outside/dir"})
	_, err = ReadWorkspace(src)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, KindOutsideSrc, pe.Kind)
	assert.Contains(t, pe.Message, "go.work:3: use ./app: the directory is outside src")

	src = srcfstest.Tree(t, nil, map[string]string{"go.work": "@outside/secret.txt"})
	_, err = ReadWorkspace(src)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, KindOutsideSrc, pe.Kind)
	assert.NotContains(t, pe.Message, srcfstest.Secret)
}

func TestWorkspacePatterns(t *testing.T) {
	ws := &Workspace{Use: []string{"app1", ".", "lib/x"}}
	assert.Equal(t, []string{"./app1/...", "./...", "./lib/x/..."}, ws.Patterns())
	assert.Equal(t, []string{"app1/go.sum", "go.sum", "lib/x/go.sum", "go.work.sum"}, SumFiles(ws))
	assert.Equal(t, []string{"go.sum"}, SumFiles(nil))
}

func TestReadGoSums(t *testing.T) {
	const (
		a      = "example.com/a v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
		aMod   = "example.com/a v1.0.0/go.mod h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=\n"
		aOther = "example.com/a v1.0.0 h1:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=\n"
		b      = "example.com/b v1.2.0 h1:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD=\n"
	)
	ws := &Workspace{Use: []string{"app", "lib"}}
	modA, modB := module.Version{Path: "example.com/a", Version: "v1.0.0"}, module.Version{Path: "example.com/b", Version: "v1.2.0"}
	tests := []struct {
		name  string
		ws    *Workspace
		files map[string]string
		zips  map[module.Version]string // want: each module's zip hash
		err   string
	}{
		{"a module's go.sum only", nil, map[string]string{"go.sum": a + b, "lib/go.sum": aOther},
			map[module.Version]string{modA: "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", modB: "h1:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD="}, ""},
		{"no go.sum at all", nil, map[string]string{}, map[module.Version]string{}, ""},
		{"the union of the workspace's go.sum files and go.work.sum", ws,
			map[string]string{"go.sum": aOther, "app/go.sum": aMod, "lib/go.sum": a, "go.work.sum": b},
			map[module.Version]string{modA: "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", modB: "h1:DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD="}, ""},
		{"two go.sum files pinning a module differently", ws,
			map[string]string{"app/go.sum": a, "lib/go.sum": aOther},
			nil, "app/go.sum and lib/go.sum pin example.com/a@v1.0.0 differently"},
		{"a malformed go.work.sum", ws, map[string]string{"go.work.sum": "example.com/a v1.0.0\n"},
			nil, "go.work.sum:1: malformed line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sums, err := ReadGoSums(srcfstest.Tree(t, tt.files, nil), tt.ws)
			if tt.err != "" {
				var pe *Error
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, KindGoSum, pe.Kind)
				assert.Contains(t, pe.Message, tt.err)
				return
			}
			require.NoError(t, err)
			zips := map[module.Version]string{}
			for mod, s := range sums {
				zips[mod] = s.Zip
			}
			assert.Equal(t, tt.zips, zips)
			if tt.ws != nil {
				assert.Equal(t, "h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=", sums[modA].GoMod, "go.mod hash merged from app/go.sum")
			}
		})
	}
}

// TestPlanWorkspace plans small std-only workspaces with the go on PATH:
// what is built with no subPackages, and the errors naming their culprit.
func TestPlanWorkspace(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go")
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	goRoot := strings.TrimSpace(string(out))
	const (
		work  = "go 1.22\n\nuse (\n\t./app\n\t./tools\n)\n"
		main  = "package main\n\nimport \"example.com/tools/greet\"\n\nfunc main() { println(greet.Hello) }\n"
		greet = "package greet\n\n// Hello is a greeting.\nconst Hello = \"hello\"\n"
		tools = "//go:build tools\n\npackage tools\n"
	)
	tests := []struct {
		name   string
		files  map[string]string
		vendor bool
		units  []string // want: the link units
		kind   ErrorKind
		msg    string
	}{
		{"a module with no package to build is left out, as go build leaves it out",
			map[string]string{"go.work": "go 1.22\n\nuse (\n\t./app\n\t./tools\n\t./empty\n)\n",
				"app/go.mod": "module example.com/app\n\ngo 1.22\n", "app/main.go": main,
				"tools/go.mod": "module example.com/tools\n\ngo 1.22\n", "tools/greet/greet.go": greet, "tools/tools.go": tools,
				"empty/go.mod": "module example.com/empty\n\ngo 1.22\n"},
			false, []string{"example.com/app"}, "", ""},
		{"no module of the workspace has a package",
			map[string]string{"go.work": "go 1.22\n\nuse ./tools\n",
				"tools/go.mod": "module example.com/tools\n\ngo 1.22\n", "tools/tools.go": tools},
			false, nil, KindPackageNotFound, "has no Go packages to build (no module of its go.work has one)"},
		{"a use without go.mod", map[string]string{"go.work": work, "app/go.mod": "module example.com/app\n\ngo 1.22\n", "app/main.go": main},
			false, nil, KindNoModule, "go.work: use tools: {src}/tools has no go.mod"},
		{"a vendored workspace",
			map[string]string{"go.work": "go 1.22\n\nuse ./app\n", "app/go.mod": "module example.com/app\n\ngo 1.22\n",
				"app/main.go": "package main\n\nfunc main() {}\n", "vendor/modules.txt": "\n"},
			true, nil, KindBadArgument, "has both go.work and vendor/modules.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := srcfstest.Tree(t, tt.files, nil)
			ws, err := ReadWorkspace(src)
			require.NoError(t, err)
			res, err := Plan(&Config{GoRoot: goRoot, Dir: src, Workspace: ws, Vendor: tt.vendor})
			if tt.kind != "" {
				var pe *Error
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tt.kind, pe.Kind, pe.Message)
				assert.Contains(t, pe.Message, strings.ReplaceAll(tt.msg, "{src}", src))
				return
			}
			require.NoError(t, err)
			var links []string
			for _, u := range res.Units {
				if u.Mode == "link" {
					links = append(links, u.ImportPath)
				}
			}
			assert.Equal(t, tt.units, links)
			assert.Equal(t, "example.com/app", res.ModulePath, "the first use's module")
			assert.Equal(t, "1.22", res.GoVersion, "go.work's go version")
		})
	}
}
