package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
)

// The scripts in testdata/n are what every supported Go release printed for
// the fixtures (testdata/capture.sh); these tests read them as the planner
// does.

// capturedVersions are the releases with captures, one per supported minor
// release.
func capturedVersions(t testing.TB) []string {
	dirs, err := filepath.Glob("testdata/n/go1.*")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	var out []string
	for _, d := range dirs {
		out = append(out, filepath.Base(d))
	}
	return out
}

// capture is one captured script and the directory go ran in.
type capture struct {
	name, file, root, script string
}

func captures(t testing.TB, version string) []capture {
	roots, err := os.ReadFile(filepath.Join("testdata/n", version, "roots.txt"))
	require.NoError(t, err)
	var out []capture
	for _, line := range strings.Split(strings.TrimSpace(string(roots)), "\n") {
		name, root, _ := strings.Cut(line, " ")
		file := filepath.Join("testdata/n", version, name+".build.txt")
		if name == "tested" {
			file = filepath.Join("testdata/n", version, name+".test.txt")
		}
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		out = append(out, capture{name: name, file: file, root: root, script: string(data)})
	}
	return out
}

// TestParseCapturedScripts checks, for every supported release and fixture,
// that the script parses into one section per package header, each with
// its own work directory, and that each compile writes that section's
// archive for the package its header names.
func TestParseCapturedScripts(t *testing.T) {
	header := regexp.MustCompile(`(?m)^#\n# (.+)\n#$`)
	for _, v := range capturedVersions(t) {
		for _, c := range captures(t, v) {
			t.Run(v+"/"+c.name, func(t *testing.T) {
				sections, err := parseScript(c.script, c.root)
				require.NoError(t, err)
				require.Len(t, sections, len(header.FindAllString(c.script, -1)))
				objdirs := map[string]bool{}
				for _, s := range sections {
					require.NotEmpty(t, s.objdir, s.pkg)
					require.False(t, objdirs[s.objdir], "%s: work directory %s twice", s.pkg, s.objdir)
					objdirs[s.objdir] = true
					compiles := 0
					for _, st := range s.stmts {
						if st.kind != "run" || !strings.HasSuffix(st.args[0], compileCmd) {
							continue
						}
						compiles++
						assert.Equal(t, s.objdir+"/_pkg_.a", flagValue(st.args, "-o"), s.pkg)
						if p := flagValue(st.args, "-p"); p != "main" {
							assert.Equal(t, strings.TrimSuffix(s.pkg, "_test"), strings.TrimSuffix(p, "_test"), s.pkg)
						}
					}
					assert.LessOrEqual(t, compiles, 1, s.pkg)
				}
			})
		}
	}
}

// TestCapturedCommandsRoundTrip checks the grammar on every command of
// every capture: the words read back, printed again as cmd/go prints them,
// give the line.
func TestCapturedCommandsRoundTrip(t *testing.T) {
	for _, v := range capturedVersions(t) {
		for _, c := range captures(t, v) {
			t.Run(v+"/"+c.name, func(t *testing.T) {
				lines := strings.Split(c.script, "\n")
				dir, n := c.root, 0
				for i := 0; i < len(lines); i++ {
					st, consumed, err := parseStatement(lines, i, c.root, &dir)
					require.NoError(t, err, "line %d: %s", i+1, lines[i])
					line := lines[i]
					i += consumed
					if st.kind != "run" {
						continue
					}
					n++
					assert.Equal(t, line, showCmd(st.env, st.args, st.dir), "line %d", i+1)
				}
				assert.Positive(t, n)
			})
		}
	}
}

// TestPlanCapturedOddStrings plans the link and a compile of the capture
// made in "my project's «src»" with a file named it's.go and ldflags
// holding ', a quoted space and a literal $WORK: user strings stay as the
// user wrote them, paths become placeholders.
func TestPlanCapturedOddStrings(t *testing.T) {
	ldflags := []string{"-X main.v=a'b'c -X 'main.msg=hello world' -X main.w=$WORK/x -buildid="}
	for _, v := range capturedVersions(t) {
		t.Run(v, func(t *testing.T) {
			var odd capture
			for _, c := range captures(t, v) {
				if c.name == "odd" {
					odd = c
				}
			}
			sections, err := parseScript(odd.script, odd.root)
			require.NoError(t, err)
			ub := newUnitBuilder(&Config{Dir: odd.root, Ldflags: ldflags}, nil, sections, nil)
			byPkg := map[string]*section{}
			for _, s := range sections {
				byPkg[s.pkg] = s
			}
			main := byPkg["example.com/multi"]
			require.NotNil(t, main)
			units, err := ub.units(main, &Package{ImportPath: "example.com/multi", Name: "main", Dir: odd.root})
			require.NoError(t, err)
			require.Len(t, units, 2)
			link := runArgsOf(units[1])
			assert.Subset(t, link, []string{"main.v=a'b'c", "main.msg=hello world", "main.w=$$WORK/x", "-buildid="})
			assert.Equal(t, ArchiveRef("example.com/multi"), link[len(link)-1])

			leaf := byPkg["example.com/multi/internal/leaf"]
			units, err = ub.units(leaf, &Package{ImportPath: "example.com/multi/internal/leaf", Dir: odd.root + "/internal/leaf"})
			require.NoError(t, err)
			assert.Equal(t, "$WORK/src/internal/leaf", units[0].SourceDir)
			compile := runArgsOf(units[0])
			assert.Contains(t, compile, "$WORK/src/internal/leaf/it's.go")
			assert.Contains(t, compile, "$WORK/src/internal/leaf=>example.com/multi/internal/leaf;$WORK/obj=>")
			assert.NotContains(t, compile, "-buildid")
		})
	}
}

// runArgsOf is the argv of u's last run step.
func runArgsOf(u *Unit) []string {
	var args []string
	for _, st := range u.Action.Steps {
		if st.Run != nil {
			args = st.Run.Args
		}
	}
	return args
}

func flagValue(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

// showCmd prints a command as cmd/go's runOut and ShowCmd do (the oracle
// the round trip is checked against).
func showCmd(env, args []string, dir string) string {
	var b strings.Builder
	for _, e := range env {
		name, value, _ := strings.Cut(e, "=")
		if strings.Contains(value, "'") {
			fmt.Fprintf(&b, "%s=%q ", name, value)
		} else {
			fmt.Fprintf(&b, "%s='%s' ", name, value)
		}
	}
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		q := strconv.Quote(a)
		if a == "" || strings.ContainsAny(a, " ()>;") || len(q) > len(a)+2 {
			b.WriteString(q)
		} else {
			b.WriteString(a)
		}
	}
	cmd := b.String()
	if dir != "" && dir != "/" {
		dot := " ."
		if strings.HasSuffix(dir, "/") {
			dot += "/"
		}
		cmd = strings.ReplaceAll(" "+cmd, " "+dir, dot)[1:]
	}
	return cmd
}

// FuzzCommandLine prints random argument lists as cmd/go does and reads
// them back; any script at all must parse or fail without a panic.
func FuzzCommandLine(f *testing.F) {
	f.Add("/go/pkg/tool/linux_amd64/link\x00-X\x00main.v=a'b'c\x00main.w=$WORK/x", "/src/my project")
	f.Add("/bin/cc\x00-I\x00/src/x y/inc\x00\x00(\x00\"q\"\x00«src»\x00\xff", "/src")
	f.Add("/t\x00-trimpath\x00/a=>b;$WORK/b001=>", "/a")
	f.Fuzz(func(t *testing.T, joined, root string) {
		parseScript(joined, root) // must not panic
		args := strings.Split(joined, "\x00")
		if !strings.HasPrefix(args[0], "/") || strings.ContainsAny(args[0], " \n\"") || strings.Contains(joined, "\n") {
			return
		}
		line := showCmd(nil, args, "")
		words, _, err := splitWords(line)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if !slices.Equal(words, args) {
			t.Fatalf("%q read back as %q, want %q", line, words, args)
		}
	})
}

// TestPlanCapturedTestLinks finds the user's ldflags in the links of test
// binaries, which cmd/go follows with -X testing.testBinary=1.
func TestPlanCapturedTestLinks(t *testing.T) {
	for _, v := range capturedVersions(t) {
		for _, c := range captures(t, v) {
			if c.name != "tested" {
				continue
			}
			sections, err := parseScript(c.script, c.root)
			require.NoError(t, err)
			ub := newUnitBuilder(&Config{Dir: c.root, Ldflags: []string{"-buildid="}}, nil, sections, nil)
			links := 0
			for _, s := range sections {
				for _, st := range s.stmts {
					if st.kind == "run" && strings.HasSuffix(st.args[0], "/link") {
						lo, hi, user, err := ub.userFlags(st)
						require.NoError(t, err, "%s %s", v, s.pkg)
						assert.Equal(t, []string{"-buildid="}, user)
						assert.Equal(t, []string{"-X", "testing.testBinary=1"}, st.args[hi:hi+2], "%s %s", v, s.pkg)
						assert.Equal(t, 1, hi-lo)
						links++
					}
				}
			}
			assert.Equal(t, 3, links, v)
		}
	}
}

// TestPlanCapturedFlags plans every compile, asm and link of each
// release's features capture with the flags it was made with: the user's
// flags are found in each command they reach, and no module root is left.
func TestPlanCapturedFlags(t *testing.T) {
	cfg := func(root string) *Config {
		return &Config{Dir: root, Tags: []string{"extra"}, Ldflags: []string{"-X main.version=1.0 -s -w -buildid="},
			Gcflags: []string{"-N -l"}, Asmflags: []string{"example.com/features/internal/asmsum=-spectre=all"}}
	}
	for _, v := range capturedVersions(t) {
		for _, c := range captures(t, v) {
			if c.name != "features" {
				continue
			}
			t.Run(v, func(t *testing.T) {
				sections, err := parseScript(c.script, c.root)
				require.NoError(t, err)
				ub := newUnitBuilder(cfg(c.root), nil, sections, nil)
				found := map[string]int{}
				for _, s := range sections {
					for _, st := range s.stmts {
						if st.kind != "run" {
							continue
						}
						lo, hi, user, err := ub.userFlags(st)
						require.NoError(t, err, "%s: %q", s.pkg, st.args)
						if hi > lo {
							found[path.Base(st.args[0])]++
							assert.Equal(t, user, st.args[lo:hi])
						}
					}
					if !strings.HasPrefix(s.pkg, "example.com/") {
						continue
					}
					units, err := ub.units(s, &Package{ImportPath: s.pkg, Dir: c.root})
					require.NoError(t, err, s.pkg)
					for _, u := range units {
						data, err := json.Marshal(u.Action)
						require.NoError(t, err)
						assert.NotContains(t, string(data), c.root, s.pkg)
					}
				}
				// -N -l reach the compiles of the module's packages, -spectre=all
				// the two asm runs of asmsum (-gensymabis, then the assembly), the
				// ldflags both links.
				assert.Positive(t, found["compile"])
				assert.Equal(t, 2, found["asm"])
				assert.Equal(t, 2, found["link"])
			})
		}
	}
}

func TestUserFlagsPlaces(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		args    string
		lo, hi  int
		wantErr bool
	}{
		{"gcflags repeating a default", Config{Gcflags: []string{"-c=1", "-N"}},
			"/t/compile -o $WORK/b001/_pkg_.a -trimpath x=> -p p -c=2 -c=1 -N -nolocalimports -importcfg f -pack a.go", 8, 10, false},
		{"gcflags not applied", Config{Gcflags: []string{"-N"}},
			"/t/compile -o $WORK/b001/_pkg_.a -trimpath x=> -p p -c=2 -nolocalimports -importcfg f -pack a.go", 0, 0, false},
		{"gcflags elsewhere", Config{Gcflags: []string{"-N"}},
			"/t/compile -o $WORK/b001/_pkg_.a -trimpath x=> -p p -c=2 -l -nolocalimports -importcfg f -pack a.go", 0, 0, true},
		{"asmflags starting with -D", Config{Asmflags: []string{"-D FOO"}},
			"/t/asm -p p -trimpath x=> -I d -I d -D GOOS_linux -D GOARCH_amd64 -D FOO -D GOAMD64_v1 -o x.o a.s", 13, 15, false},
		{"ldflags of a test binary", Config{Ldflags: []string{"-s"}},
			"/t/link -o a -importcfg f -buildmode=exe -s -X testing.testBinary=1 -extld=gcc m.a", 6, 7, false},
	}
	for _, tt := range tests {
		ub := &unitBuilder{flags: userFlagsOf(&tt.cfg)}
		args := strings.Split(tt.args, " ")
		lo, hi, _, err := ub.userFlags(statement{kind: "run", args: args, quoted: make([]bool, len(args))})
		if tt.wantErr {
			assert.Error(t, err, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		assert.Equal(t, [2]int{tt.lo, tt.hi}, [2]int{lo, hi}, tt.name)
	}
}

func TestWriteContentKeepsModinfo(t *testing.T) {
	ub := &unitBuilder{moduleRoot: "/src/m", objdirPkg: map[string]string{"b002": "fmt"}}
	st := statement{kind: "write", content: "packagefile fmt=$WORK/b002/_pkg_.a\nmodinfo \"build\\t-gcflags=-D=$WORK/x -D=/src/m/y\"\n"}
	rw := func(s string) string {
		out, err := ub.template(s, "b001", true, map[string]bool{})
		require.NoError(t, err)
		return out
	}
	assert.Equal(t, "packagefile fmt="+ArchiveRef("fmt")+"\nmodinfo \"build\\t-gcflags=-D=$$WORK/x -D=/src/m/y\"\n",
		ub.writeContent(st, rw))
}

// TestPlanCapturedLinkObj splits every compile of each release's captures
// (assembly, cgo, embedding, test variants and mains, the standard
// library): the compile writes the linker's object apart, the objects
// cmd/go packs go into it, and the two archives are installed in their
// outputs; links are as before.
func TestPlanCapturedLinkObj(t *testing.T) {
	for _, v := range capturedVersions(t) {
		for _, c := range captures(t, v) {
			t.Run(v+"/"+c.name, func(t *testing.T) {
				sections, err := parseScript(c.script, c.root)
				require.NoError(t, err)
				ub := newUnitBuilder(&Config{Dir: c.root, LinkObj: true, CC: "/usr/bin/gcc"}, nil, sections, nil)
				for _, s := range sections {
					pkg := &Package{ImportPath: s.pkg, Dir: c.root}
					if !strings.HasPrefix(s.pkg, "example.com/") {
						pkg = &Package{ImportPath: s.pkg, Standard: true}
					}
					units, err := ub.units(s, pkg)
					require.NoError(t, err, s.pkg)
					compile := units[0].Action
					compiles := 0
					for _, st := range compile.Steps {
						switch {
						case st.Run != nil && strings.HasSuffix(st.Run.Args[0], compileCmd):
							compiles++
							assert.Equal(t, []string{"-o", pkgArchive, "-linkobj", linkArchive}, st.Run.Args[1:5], s.pkg)
						case st.Pack != nil:
							assert.Equal(t, linkArchive, st.Pack.Archive, s.pkg)
						}
					}
					assert.Equal(t, 1, compiles, s.pkg)
					n := len(compile.Steps)
					assert.Equal(t, []action.Step{
						{Install: &action.Install{From: pkgArchive, To: action.ArchiveName, Output: action.ExportOutput}},
						{Install: &action.Install{From: linkArchive, To: action.ArchiveName}},
					}, compile.Steps[n-2:], s.pkg)
					for _, u := range units[1:] {
						data, err := json.Marshal(u.Action)
						require.NoError(t, err)
						assert.NotContains(t, string(data), "_link_.a", "a link reads archives as before")
					}
				}
			})
		}
	}
}
