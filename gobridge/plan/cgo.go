package plan

import (
	"bytes"
	"errors"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
)

// Under -n, cmd/go assumes the C compiler takes none of the optional flags
// it probes for ("$CC -flag … || true" lines), so the C commands it prints
// lack the flags a real build passes — among them the ones that keep work
// directories and source paths out of the objects. The planner runs those
// probes itself and adds the flags back the way cmd/go's compilerCmd and
// ccompile do (cmd/go/internal/work/exec.go), so cgo packages compile to
// the same objects as under `go build`.

// compilerProbes maps each probed flag to whether the C compiler takes it.
type compilerProbes map[string]bool

// probeCompiler runs every distinct probe of the script with the configured
// C compiler (only that compiler: a probe naming another program is
// answered "no"), in the sandbox if there is one. A compiler that cannot
// run there, or a cancelled Context, is an error, not an answer.
func (g *goRunner) probeCompiler(sections []*section) (compilerProbes, error) {
	probes := compilerProbes{}
	for _, s := range sections {
		for _, st := range s.stmts {
			if st.kind != "probe" || len(st.args) < 2 {
				continue
			}
			flag := st.args[1]
			if _, done := probes[flag]; done {
				continue
			}
			probes[flag] = false
			if g.cfg.CC == "" || st.args[0] != g.cfg.CC {
				continue
			}
			var out, errb bytes.Buffer
			err := g.exec(g.scratch, &out, &errb, st.args[0], st.args[1:]...)
			if pe := (*Error)(nil); errors.As(err, &pe) {
				return nil, pe
			}
			probes[flag] = err == nil
		}
	}
	return probes, nil
}

// cgoArgs returns the C compiler command st as a real build runs it, for
// package pkg whose work directory is objdir.
func (u *unitBuilder) cgoArgs(st statement, objdir string, pkg *Package) []string {
	args := make([]string, len(st.args))
	for i, a := range st.args {
		// cmd/go prints the current directory at the start of a word as ".".
		switch {
		case i > 0 && a == ".":
			a = st.dir
		case i > 0 && strings.HasPrefix(a, "./"):
			a = st.dir + a[1:]
		}
		args[i] = a
	}
	ok := func(flag string) bool { return u.probes[flag] }
	prefixMap := ""
	if ok("-fdebug-prefix-map=a=b") {
		prefixMap = "-fdebug-prefix-map"
		if ok("-ffile-prefix-map=a=b") {
			prefixMap = "-ffile-prefix-map"
		}
	}
	// compilerCmd: optional flags around -fmessage-length=0.
	if at := slices.Index(args, "-fmessage-length=0"); at >= 0 {
		var before, after []string
		for _, f := range []string{"-fno-caret-diagnostics", "-Qunused-arguments", "-Wl,--no-gc-sections"} {
			if ok(f) {
				before = append(before, f)
			}
		}
		if prefixMap != "" {
			after = append(after, prefixMap+"="+objdir+"=/tmp/go-build")
		}
		if ok("-gno-record-gcc-switches") {
			after = append(after, "-gno-record-gcc-switches")
		}
		args = slices.Concat(args[:at], before, []string{"-fmessage-length=0"}, after, args[at+1:])
	}
	// ccompile (a "-c" compile): trim the source directory (-trimpath).
	if slices.Contains(args, "-c") && prefixMap != "" {
		if at := slices.Index(args, "-o"); at >= 0 {
			from, to := u.trimDir(pkg)
			args = slices.Insert(args, at, prefixMap+"="+from+"="+filepath.Join("/_", to))
		}
	}
	return args
}

// trimDir is the directory a package's C sources are trimmed from, and what
// replaces it (cmd/go's ccompile).
func (u *unitBuilder) trimDir(pkg *Package) (from, to string) {
	switch m := pkg.Module; {
	case m == nil:
		return u.goRoot, "GOROOT"
	case m.Dir == "":
		return filepath.Join(u.moduleRoot, "vendor"), "vendor"
	case m.Version != "":
		return m.Dir, m.Path + "@" + m.Version
	default:
		return m.Dir, m.Path
	}
}

// cgoFile is a file of p that imports "C" but was left out of the build,
// "" if there is none.
func cgoFile(p *Package) string {
	for _, name := range p.IgnoredGoFiles {
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, name), nil, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"C"` {
				return name
			}
		}
	}
	return ""
}

// usesCC reports whether a runs the C compiler, directly, through the cgo
// tool or through the linker (-extld).
func (u *unitBuilder) usesCC(a *action.Action) bool {
	if u.cc == "" {
		return false
	}
	for _, st := range a.Steps {
		if st.Run == nil {
			continue
		}
		if st.Run.Args[0] == u.cc || strings.HasSuffix(st.Run.Args[0], "/cgo") ||
			slices.Contains(st.Run.Args, "-extld="+u.cc) {
			return true
		}
	}
	return false
}
