package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCgoArgs(t *testing.T) {
	cc := "/cc/bin/cc"
	all := compilerProbes{"-fno-caret-diagnostics": true, "-Qunused-arguments": false,
		"-Wl,--no-gc-sections": true, "-fdebug-prefix-map=a=b": true, "-ffile-prefix-map=a=b": true,
		"-gno-record-gcc-switches": true}
	mainPkg := &Package{Dir: "/src/m/hyp", Module: &Module{Path: "example.com/m", Dir: "/src/m", Main: true}}
	depPkg := &Package{Dir: "/mod/x@v1.0.0/c", Module: &Module{Path: "example.com/x", Version: "v1.0.0", Dir: "/mod/x@v1.0.0"}}
	tests := []struct {
		name   string
		probes compilerProbes
		pkg    *Package
		st     statement
		want   []string
	}{
		{"compile in the work directory: ./ is the directory, every flag back", all, mainPkg,
			statement{dir: "$WORK/b002", args: []string{cc, "-I", "/src/m/hyp", "-fPIC", "-fmessage-length=0", "-I", "./", "-O2", "-o", "./_x001.o", "-c", "_cgo_export.c"}},
			[]string{cc, "-I", "/src/m/hyp", "-fPIC", "-fno-caret-diagnostics", "-Wl,--no-gc-sections", "-fmessage-length=0",
				"-ffile-prefix-map=$WORK/b002=/tmp/go-build", "-gno-record-gcc-switches", "-I", "$WORK/b002/", "-O2",
				"-ffile-prefix-map=/src/m=/_/example.com/m", "-o", "$WORK/b002/_x001.o", "-c", "_cgo_export.c"}},
		{"a dependency's C file: trimmed to path@version", all, depPkg,
			statement{dir: "/mod/x@v1.0.0/c", args: []string{cc, "-I", ".", "-fmessage-length=0", "-o", "$WORK/b002/_x002.o", "-c", "x.c"}},
			[]string{cc, "-I", "/mod/x@v1.0.0/c", "-fno-caret-diagnostics", "-Wl,--no-gc-sections", "-fmessage-length=0",
				"-ffile-prefix-map=$WORK/b002=/tmp/go-build", "-gno-record-gcc-switches",
				"-ffile-prefix-map=/mod/x@v1.0.0=/_/example.com/x@v1.0.0", "-o", "$WORK/b002/_x002.o", "-c", "x.c"}},
		{"standard library, old compiler: -fdebug-prefix-map only", compilerProbes{"-fdebug-prefix-map=a=b": true}, &Package{Standard: true},
			statement{dir: "/go/src/runtime/cgo", args: []string{cc, "-fmessage-length=0", "-o", "$WORK/b004/_x003.o", "-c", "gcc_amd64.S"}},
			[]string{cc, "-fmessage-length=0", "-fdebug-prefix-map=$WORK/b004=/tmp/go-build",
				"-fdebug-prefix-map=/go=/_/GOROOT", "-o", "$WORK/b004/_x003.o", "-c", "gcc_amd64.S"}},
		{"a link for cgo's import table: no -c, no source trimming", all, mainPkg,
			statement{dir: "/src/m", args: []string{cc, "-fmessage-length=0", "-o", "$WORK/b002/_cgo_.o", "$WORK/b002/_x001.o", "-lm"}},
			[]string{cc, "-fno-caret-diagnostics", "-Wl,--no-gc-sections", "-fmessage-length=0",
				"-ffile-prefix-map=$WORK/b002=/tmp/go-build", "-gno-record-gcc-switches", "-o", "$WORK/b002/_cgo_.o", "$WORK/b002/_x001.o", "-lm"}},
		{"a compiler that takes nothing optional", compilerProbes{}, mainPkg,
			statement{dir: "/src/m/hyp", args: []string{cc, "-fmessage-length=0", "-o", "$WORK/b002/_x003.o", "-c", "hyp.c"}},
			[]string{cc, "-fmessage-length=0", "-o", "$WORK/b002/_x003.o", "-c", "hyp.c"}},
	}
	for _, tt := range tests {
		u := &unitBuilder{cc: cc, goRoot: "/go", moduleRoot: "/src/m", probes: tt.probes}
		objdir := "$WORK/b002"
		if tt.pkg.Standard {
			objdir = "$WORK/b004"
		}
		assert.Equal(t, tt.want, u.cgoArgs(tt.st, objdir, tt.pkg), tt.name)
	}
}

func TestParseScriptCgoStepsBeforeHeader(t *testing.T) {
	script := "mkdir -p $WORK/b004/\n" +
		"cd /go/src/runtime/cgo\n" +
		"TERM='dumb' /go/pkg/tool/linux_amd64/cgo -objdir $WORK/b004/ -importpath runtime/cgo -- -I $WORK/b004/ ./cgo.go\n" +
		"cd $WORK\n" +
		"/cc/bin/cc -fno-caret-diagnostics -O2 -g -c -x c - -o /dev/null || true\n" +
		"\n#\n# runtime/cgo\n#\n\n" +
		"echo '# import config' > $WORK/b004/importcfg # internal\n"
	sections, err := parseScript(script, "/src/m")
	require.NoError(t, err)
	require.Len(t, sections, 1)
	s := sections[0]
	assert.Equal(t, "runtime/cgo", s.pkg)
	assert.Equal(t, "$WORK/b004", s.objdir)
	kinds := []string{}
	for _, st := range s.stmts {
		kinds = append(kinds, st.kind)
	}
	assert.Equal(t, []string{"run", "probe", "write"}, kinds)
	assert.Equal(t, []string{"/cc/bin/cc", "-fno-caret-diagnostics", "-O2", "-g", "-c", "-x", "c", "-", "-o", "/dev/null"}, s.stmts[1].args)

	_, err = parseScript("mkdir -p $WORK/b001/\n/go/pkg/tool/cgo -x\nmkdir -p $WORK/b002/\n", "/src/m")
	assert.ErrorContains(t, err, "$WORK/b001 has no package header")
}
