package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		line   string
		want   []string
		quoted []bool
	}{
		{`compile -o $WORK/b001/_pkg_.a -p main`, []string{"compile", "-o", "$WORK/b001/_pkg_.a", "-p", "main"}, nil},
		{`compile -trimpath "/src=>example.com/x;$WORK/b001=>" -pack`, []string{"compile", "-trimpath", "/src=>example.com/x;$WORK/b001=>", "-pack"}, []bool{false, false, true, false}},
		{`GOROOT='' /go/pkg/tool/link -o a.out`, []string{"GOROOT=", "/go/pkg/tool/link", "-o", "a.out"}, nil},
		{`CGO_LDFLAGS='"-g" "-O2"' cgo`, []string{`CGO_LDFLAGS="-g" "-O2"`, "cgo"}, nil},
		{`X="it's" cgo`, []string{`X=it's`, "cgo"}, nil},
		{`x "a\"b\\c" ""`, []string{"x", `a"b\c`, ""}, []bool{false, true, true}},
		// ' is an ordinary character: cmd/go never quotes with it.
		{`link -X main.v=a'b'c ./it's.go`, []string{"link", "-X", "main.v=a'b'c", "./it's.go"}, nil},
		{`compile "/my project's «src»/x.go" main.v=$WORK/x`, []string{"compile", "/my project's «src»/x.go", "main.v=$WORK/x"}, nil},
		// An environment word only comes first.
		{`cc A='b'`, []string{"cc", "A='b'"}, nil},
	}
	for _, tt := range tests {
		got, quoted, err := splitWords(tt.line)
		require.NoError(t, err, tt.line)
		assert.Equal(t, tt.want, got, tt.line)
		if tt.quoted != nil {
			assert.Equal(t, tt.quoted, quoted, tt.line)
		}
	}
}

func TestSplitWordsErrors(t *testing.T) {
	for _, line := range []string{`A='unterminated x`, `a "unterminated`, `a "bad \q escape"`, `a  b`, `a "x"y`} {
		_, _, err := splitWords(line)
		assert.Error(t, err, line)
	}
}

const sampleScript = `mkdir -p $WORK/b002/

#
# example.com/m/lib
#

cat >$WORK/b002/importcfg << 'EOF' # internal
# import config
packagefile fmt=$WORK/b003/_pkg_.a
EOF
cd /src/m
/go/pkg/tool/linux_amd64/compile -o $WORK/b002/_pkg_.a -trimpath "/src/m/lib=>example.com/m/lib;$WORK/b002=>" -p example.com/m/lib -buildid abc/abc -c=4 -importcfg $WORK/b002/importcfg -pack ./lib/lib.go
go tool buildid -w $WORK/b002/_pkg_.a # internal
mkdir -p $WORK/b003/

#
# fmt
#

echo -n > $WORK/b003/go_asm.h # internal
cd /go/src/fmt
/go/pkg/tool/linux_amd64/asm -p fmt -o $WORK/b003/x.o ./x.s
echo '# import config' > $WORK/b003/importcfg # internal
/go/pkg/tool/linux_amd64/compile -o $WORK/b003/_pkg_.a -p fmt -pack /go/src/fmt/print.go
go tool pack r $WORK/b003/_pkg_.a $WORK/b003/x.o # internal
`

func TestParseScript(t *testing.T) {
	sections, err := parseScript(sampleScript, "/src/m")
	require.NoError(t, err)
	require.Len(t, sections, 2)

	lib := sections[0]
	assert.Equal(t, "example.com/m/lib", lib.pkg)
	assert.Equal(t, "$WORK/b002", lib.objdir)
	require.Len(t, lib.stmts, 2)
	assert.Equal(t, "write", lib.stmts[0].kind)
	assert.Equal(t, "# import config\npackagefile fmt=$WORK/b003/_pkg_.a\n", lib.stmts[0].content)
	assert.Equal(t, "run", lib.stmts[1].kind)
	assert.Equal(t, "/src/m", lib.stmts[1].dir)

	fmtSec := sections[1]
	assert.Equal(t, "fmt", fmtSec.pkg)
	kinds := []string{}
	for _, st := range fmtSec.stmts {
		kinds = append(kinds, st.kind)
	}
	assert.Equal(t, []string{"write", "run", "write", "run", "pack"}, kinds)
	assert.Equal(t, "/go/src/fmt", fmtSec.stmts[1].dir, "cd is folded into the statement")
	assert.Equal(t, "# import config\n", fmtSec.stmts[2].content)
	assert.Equal(t, []string{"$WORK/b003/x.o"}, fmtSec.stmts[4].args)
}

func TestParseScriptHereDocumentWithoutFinalNewline(t *testing.T) {
	script := "#\n# p\n#\ncat >$WORK/b001/embedcfg << 'EOF' # internal\n{\n\t\"Files\": {}\n}EOF\n" +
		"echo '# import config' > $WORK/b001/importcfg # internal\n"
	sections, err := parseScript(script, "/src")
	require.NoError(t, err)
	require.Len(t, sections[0].stmts, 2)
	assert.Equal(t, "{\n\t\"Files\": {}\n}", sections[0].stmts[0].content)
	assert.Equal(t, "# import config\n", sections[0].stmts[1].content)
}

func TestParseScriptRejectsUnknownSteps(t *testing.T) {
	for _, script := range []string{
		"#\n# p\n#\ngo tool frobnicate x # internal\n",
		"#\n# p\n#\nrelative/tool -x\n",
		"#\n# p\n#\ncat >$WORK/b001/x << 'EOF' # internal\nno end\n",
	} {
		_, err := parseScript(script, "/src")
		assert.Error(t, err, script)
	}
}

func TestUnitsRewritePaths(t *testing.T) {
	sections, err := parseScript(sampleScript, "/src/m")
	require.NoError(t, err)
	ub := newUnitBuilder(&Config{Dir: "/src/m"}, []string{"GOOS=linux"}, sections, nil)
	units, err := ub.units(sections[0], &Package{ImportPath: "example.com/m/lib", Dir: "/src/m/lib"})
	require.NoError(t, err)
	require.Len(t, units, 1)
	u := units[0]
	assert.Equal(t, "$WORK/src/lib", u.SourceDir)
	assert.Equal(t, []string{"fmt"}, u.Deps)
	var run []string
	for _, s := range u.Action.Steps {
		if s.Run != nil {
			run = s.Run.Args
			assert.Equal(t, "$WORK/src", s.Run.Dir)
		}
		if s.Write != nil {
			assert.Contains(t, s.Write.Content, "packagefile fmt="+ArchiveRef("fmt")+"\n")
		}
	}
	assert.Equal(t, []string{"/go/pkg/tool/linux_amd64/compile", "-o", "$WORK/obj/_pkg_.a",
		"-trimpath", "$WORK/src/lib=>example.com/m/lib;$WORK/obj=>", "-p", "example.com/m/lib",
		"-c=4", "-importcfg", "$WORK/obj/importcfg", "-pack", "./lib/lib.go"}, run,
		"objdir, module root and -buildid are rewritten")
	last := u.Action.Steps[len(u.Action.Steps)-1]
	require.NotNil(t, last.Install)
	assert.Equal(t, "pkg.a", last.Install.To)
}

func TestTemplateRespectsPathBoundaries(t *testing.T) {
	ub := &unitBuilder{moduleRoot: "/src/m", modCache: "/mc", objdirPkg: map[string]string{"b002": "fmt"},
		moduleDirs: map[string]string{"/mc/example.com/dep@v1.0.0": "/nix/store/x-dep"}}
	tests := map[string]string{
		"/src/m":                               "$WORK/src",
		"/src/m/x.go":                          "$WORK/src/x.go",
		"/src/m=>example.com":                  "$WORK/src=>example.com",
		"/src/m2/x.go":                         "/src/m2/x.go",
		"/src/m.v2":                            "/src/m.v2",
		"a /src/m;/src/m/b":                    "a $WORK/src;$WORK/src/b",
		"/src/m=>x.com/src/m;$WORK/b001=>":     "$WORK/src=>x.com/src/m;$WORK/obj=>",
		"-I/src/m/inc":                         "-I$WORK/src/inc",
		"/go/src/m/fmt":                        "/go/src/m/fmt",
		"$WORK/b001=>":                         "$WORK/obj=>",
		"packagefile fmt=$WORK/b002/_pkg_.a\n": "packagefile fmt=" + ArchiveRef("fmt") + "\n",
		"$WORK":                                "$WORK",
		"$WORKS/x $GOROOT":                     "$$WORKS/x $$GOROOT",
		"/mc/example.com/dep@v1.0.0/p=>example.com/dep@v1.0.0/p": "/nix/store/x-dep/p=>example.com/dep@v1.0.0/p",
		"/mc/example.com/dep@v1.0.01/p":                          "/mc/example.com/dep@v1.0.01/p",
	}
	for in, want := range tests {
		got, err := ub.template(in, "b001", false, map[string]bool{})
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"$WORK/b003/x.o", "$WORK/b009/_pkg_.a"} {
		_, err := ub.template(in, "b001", false, map[string]bool{})
		assert.Error(t, err, in)
	}
}
