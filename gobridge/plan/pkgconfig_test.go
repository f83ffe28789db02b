package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
)

// TestPkgConfig plans tests/fixtures/zlib (`#cgo pkg-config: zlib`) with
// the host's pkg-config reading a zlib.pc the test writes: pkg-config's
// flags must be where cmd/go's cgo puts them, only the cgo package and the
// link must see the libraries, and bad pkg-config setups must be errors
// naming the package and the culprit.
func TestPkgConfig(t *testing.T) {
	goRoot := hostGoRoot(t)
	gcc, err := exec.LookPath("gcc")
	require.NoError(t, err)
	pkgConfig, err := exec.LookPath("pkg-config")
	require.NoError(t, err)

	library := func(cflags, libs string) string {
		dir := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "lib", "pkgconfig"), 0o755))
		pc := fmt.Sprintf("prefix=%s\nincludedir=${prefix}/include/z\nlibdir=${prefix}/lib/z\n\n"+
			"Name: zlib\nDescription: test\nVersion: 1.2.13\nCflags: %s\nLibs: %s\n", dir, cflags, libs)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "lib", "pkgconfig", "zlib.pc"), []byte(pc), 0o644))
		return dir
	}
	good := library("-I${includedir} -DZTEST=1", "-L${libdir} -lz")

	tests := []struct {
		name      string
		pkgConfig string
		libraries []string
		// kind and message: the error; "" for a plan.
		kind    ErrorKind
		message string
	}{
		{name: "flags inserted", pkgConfig: pkgConfig, libraries: []string{good}},
		{name: "no pkgConfig", libraries: []string{good}, kind: KindBadArgument,
			message: "package example.com/zlib/gz asks pkg-config for zlib (#cgo pkg-config), but no pkg-config was given (pkgConfig)"},
		{name: "library not in buildInputs", pkgConfig: pkgConfig, kind: KindPackage,
			message: "package example.com/zlib/gz: pkg-config --cflags -- zlib failed (are the libraries in buildInputs?)"},
		{name: "a flag cmd/go might refuse", pkgConfig: pkgConfig, libraries: []string{library("-fplugin=evil.so", "-lz")},
			kind: KindPackage, message: `printed the flag "-fplugin=evil.so"`},
		{name: "an escaped flag", pkgConfig: pkgConfig, libraries: []string{library(`-I/a\ b`, "-lz")},
			kind: KindPackage, message: "printed quoted or escaped flags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Plan(&Config{GoRoot: goRoot, Dir: "../../tests/fixtures/zlib", CGO: true, CC: gcc,
				PkgConfig: tt.pkgConfig, Libraries: tt.libraries})
			if tt.kind != "" {
				var pe *Error
				require.True(t, errors.As(err, &pe), "got %v", err)
				assert.Equal(t, tt.kind, pe.Kind)
				assert.Equal(t, "example.com/zlib/gz", pe.Package)
				assert.Contains(t, pe.Message, tt.message)
				return
			}
			require.NoError(t, err)
			checkPkgConfigPlan(t, res, gcc, good)
		})
	}
}

// checkPkgConfigPlan checks res, the zlib fixture planned with the library
// lib, whose zlib.pc gives -I<lib>/include/z -DZTEST=1 and -L<lib>/lib/z -lz.
func checkPkgConfigPlan(t *testing.T, res *Result, gcc, lib string) {
	cflags := []string{"-I" + lib + "/include/z", "-DZTEST=1"}
	libs := []string{"-L" + lib + "/lib/z", "-lz"}
	units := map[string]*Unit{}
	for _, u := range res.Units {
		units[u.Mode+" "+u.ImportPath] = u
	}
	gz := units["compile example.com/zlib/gz"]
	require.NotNil(t, gz)
	var cgoTool, compiles, cgoLink int
	for _, st := range gz.Action.Steps {
		if st.Run == nil {
			continue
		}
		args := st.Run.Args
		require.NotContains(t, args[0], "pkg-config", "pkg-config runs at planning, not in the build")
		switch {
		case strings.HasSuffix(args[0], "/cgo") && slices.Contains(args, "-objdir"):
			cgoTool++
			dash := slices.Index(args, "--")
			at := indexPair(args[dash:], "-I", args[slices.Index(args, "-objdir")+1]) + dash
			assert.Equal(t, cflags, args[at-len(cflags):at], "cgo: the --cflags end CPPFLAGS, before -I objdir")
			// -ldflags from Go 1.24 on, CGO_LDFLAGS before.
			ldflags := `"-O2" "-g" "-L` + lib + `/lib/z" "-lz"`
			assert.True(t, slices.Contains(args, "-ldflags="+ldflags) || slices.Contains(st.Run.Env, "CGO_LDFLAGS="+ldflags),
				"cgo: the --libs end its LDFLAGS: %q %q", st.Run.Env, args)
		case args[0] == action.Literal(gcc) && slices.Contains(args, "-c"):
			compiles++
			at := slices.Index(args, "-I")
			for i := at + 1; i < len(args) && at >= 0; i++ {
				if args[i] == "-I" {
					at = i // the last -I: the objdir's
				}
			}
			assert.Equal(t, cflags, args[at-len(cflags):at], "C compile: the --cflags before -I objdir: %q", args)
		case args[0] == action.Literal(gcc):
			cgoLink++
			assert.Equal(t, slices.Concat([]string{"-O2", "-g"}, libs), args[len(args)-4:], "the link of _cgo_.o ends with LDFLAGS and --libs")
		}
	}
	assert.Equal(t, 1, cgoTool, "cgo tool runs")
	assert.Equal(t, 3, compiles, "C compiles (_cgo_export.c, gz.cgo2.c, _cgo_main.c)")
	assert.Equal(t, 1, cgoLink, "links of _cgo_.o")

	// Only the module's cgo package and the link see the libraries.
	for id, want := range map[string]bool{
		"compile example.com/zlib/gz": true, "link example.com/zlib": true,
		"compile example.com/zlib/pure": false, "compile example.com/zlib": false, "compile runtime/cgo": false,
	} {
		u := units[id]
		require.NotNil(t, u, id)
		assert.Equal(t, want, u.UsesLibraries, id)
		env, err := json.Marshal(u.Action.Env)
		require.NoError(t, err)
		assert.Equal(t, want, strings.Contains(string(env), "CPATH="+lib+"/include"), "%s: CPATH in %s", id, env)
		assert.Equal(t, want, strings.Contains(string(env), "LIBRARY_PATH="+lib+"/lib"), "%s: LIBRARY_PATH", id)
	}
}

// TestUnquoteAll reads cgo's -ldflags lists back.
func TestUnquoteAll(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		bad  bool
	}{
		{in: `"-O2" "-g"`, want: []string{"-O2", "-g"}},
		{in: `"-L/a b" "-lz"`, want: []string{"-L/a b", "-lz"}},
		{in: ``, want: []string{}},
		{in: `-O2`, bad: true},
	}
	for _, tt := range tests {
		got, err := unquoteAll(tt.in)
		if tt.bad {
			assert.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}
