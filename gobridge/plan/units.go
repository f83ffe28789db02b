package plan

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
)

// Unit is the work of one derivation: compiling a package or linking a
// binary. Its Action refers to the archives of other packages as
// ArchiveRef(importPath); the caller substitutes their store paths.
type Unit struct {
	// ImportPath is the package compiled, or the main package linked.
	ImportPath string
	// Mode is "compile" or "link".
	Mode string
	// Binary is the linked program's name (link units only).
	Binary string
	// Deps are the import paths whose archives the action reads.
	Deps []string
	// SourceDir is where the package's own files must appear ($WORK/src/…)
	// for packages under the module root (the main module and local
	// replacements); empty for the standard library, whose files the
	// toolchain provides, and for third-party modules.
	SourceDir string
	// Inputs are store paths the action reads besides archives and the
	// toolchain: a third-party package's module.
	Inputs []string
	Action action.Action
}

// ArchiveRef is the placeholder a unit's action uses for the archive of
// importPath; see Unit.
func ArchiveRef(importPath string) string { return "$GOGRAPH_ARCHIVE{" + importPath + "}" }

var archiveRefPattern = regexp.MustCompile(`\$GOGRAPH_ARCHIVE\{([^}]*)\}`)

// ResolveArchives replaces every ArchiveRef in s using archive.
func ResolveArchives(s string, archive func(importPath string) string) string {
	return archiveRefPattern.ReplaceAllStringFunc(s, func(ref string) string {
		return archive(archiveRefPattern.FindStringSubmatch(ref)[1])
	})
}

// srcVar is where the builder lays out main-module sources: the module
// root's place in the sandbox.
const srcVar = action.WorkVar + "/src"

var (
	objdirRef  = regexp.MustCompile(`\$WORK/(b\d+)/_pkg_\.a`)
	anyObjdir  = regexp.MustCompile(`\$WORK/b\d+`)
	compileCmd = "/compile"
)

// unitBuilder turns sections into units.
type unitBuilder struct {
	moduleRoot string
	// moduleDirs maps third-party module directories, as go saw them in
	// its module cache, to their store paths.
	moduleDirs map[string]string
	modCache   string // the module cache holding moduleDirs
	goRoot     string
	cc         string         // the C compiler, "" without cgo
	probes     compilerProbes // what cc takes (cgo.go)
	toolEnv    []string
	objdirPkg  map[string]string // "b012" -> import path
}

func newUnitBuilder(cfg *Config, toolEnv []string, sections []*section, probes compilerProbes) *unitBuilder {
	u := &unitBuilder{moduleRoot: cfg.Dir, moduleDirs: cfg.ModuleDirs, modCache: cfg.ModCache,
		goRoot: cfg.GoRoot, cc: cfg.CC, probes: probes, toolEnv: toolEnv, objdirPkg: map[string]string{}}
	for _, s := range sections {
		if s.objdir != "" {
			u.objdirPkg[strings.TrimPrefix(s.objdir, "$WORK/")] = s.pkg
		}
	}
	return u
}

// units returns the compile unit of s and, for a main package, its link
// units.
func (u *unitBuilder) units(s *section, pkg *Package) ([]*Unit, error) {
	if s.objdir == "" {
		return nil, fmt.Errorf("plan: no work directory for %s in go build -n output", s.pkg)
	}
	linkAt := len(s.stmts)
	for i, st := range s.stmts {
		if st.kind == "write" && strings.HasSuffix(st.file, "/importcfg.link") {
			linkAt = i
			break
		}
	}
	compile := &Unit{ImportPath: s.pkg, Mode: "compile"}
	if pkg != nil && !pkg.Standard && pkg.testMain == "" {
		if dir, ok := u.moduleDirOf(pkg.Dir); ok {
			compile.Inputs = []string{u.moduleDirs[dir]}
		} else if rewritten := u.rewritePaths(pkg.Dir); rewritten != pkg.Dir {
			compile.SourceDir = rewritten
		} else {
			return nil, fmt.Errorf("plan: package %s is in %s, outside the module and the module cache", s.pkg, pkg.Dir)
		}
	}
	if err := u.fill(compile, s, pkg, s.stmts[:linkAt], false); err != nil {
		return nil, err
	}
	compile.Action.Steps = append(compile.Action.Steps, action.Step{Install: &action.Install{
		From: action.WorkVar + "/obj/_pkg_.a", To: action.ArchiveName}})
	units := []*Unit{compile}
	if linkAt < len(s.stmts) {
		link := &Unit{ImportPath: s.pkg, Mode: "link"}
		if err := u.fill(link, s, pkg, s.stmts[linkAt:], true); err != nil {
			return nil, err
		}
		if link.Binary == "" {
			return nil, fmt.Errorf("plan: no output binary for %s in go build -n output", s.pkg)
		}
		units = append(units, link)
	}
	return units, nil
}

// fill converts statements into u's action steps, rewriting paths.
func (u *unitBuilder) fill(unit *Unit, s *section, pkg *Package, stmts []statement, linking bool) error {
	own := strings.TrimPrefix(s.objdir, "$WORK/")
	deps := map[string]bool{}
	var rewriteErr error
	rw := func(str string) string {
		str = objdirRef.ReplaceAllStringFunc(str, func(ref string) string {
			b := objdirRef.FindStringSubmatch(ref)[1]
			if b == own && !linking {
				return action.WorkVar + "/obj/_pkg_.a"
			}
			ip, ok := u.objdirPkg[b]
			if !ok {
				rewriteErr = fmt.Errorf("plan: %s refers to unknown work directory %s", s.pkg, b)
				return ref
			}
			deps[ip] = true
			return ArchiveRef(ip)
		})
		str = strings.ReplaceAll(str, s.objdir, action.WorkVar+"/obj")
		if m := anyObjdir.FindString(str); m != "" {
			rewriteErr = fmt.Errorf("plan: %s refers to another package's work directory %s", s.pkg, m)
		}
		return u.rewritePaths(str)
	}
	rwAll := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, x := range ss {
			out[i] = rw(x)
		}
		return out
	}
	a := &unit.Action
	a.Package, a.Mode, a.Env = s.pkg, unit.Mode, u.toolEnv
	a.Steps = append(a.Steps, action.Step{Mkdir: action.WorkVar + "/obj"})
	for _, st := range stmts {
		switch st.kind {
		case "mkdir":
			if !strings.HasPrefix(st.file, action.WorkVar) {
				continue // the -o directory: the builder installs into $out
			}
			a.Steps = append(a.Steps, action.Step{Mkdir: rw(st.file)})
		case "write":
			a.Steps = append(a.Steps, action.Step{Write: &action.Write{File: rw(st.file), Content: rw(st.content)}})
		case "pack":
			a.Steps = append(a.Steps, action.Step{Pack: &action.Pack{Archive: rw(st.file), Objects: rwAll(st.args)}})
		case "cp":
			a.Steps = append(a.Steps, action.Step{Copy: &action.Copy{From: rw(st.file), To: rw(st.args[0])}})
		case "run":
			if u.cc != "" && st.args[0] == u.cc && pkg != nil {
				st.args = u.cgoArgs(st, s.objdir, pkg)
			}
			args := rwAll(st.args)
			if strings.HasSuffix(args[0], compileCmd) {
				args = normalizeCompileFlags(args)
			}
			a.Steps = append(a.Steps, action.Step{Run: &action.Run{Dir: rw(st.dir), Env: rwAll(st.env), Args: args}})
		case "mv":
			if !linking {
				return fmt.Errorf("plan: unexpected mv in the compile of %s", s.pkg)
			}
			unit.Binary = path.Base(st.args[0])
			a.Steps = append(a.Steps, action.Step{Install: &action.Install{
				From: rw(st.file), To: "bin/" + unit.Binary, Executable: true}})
		}
	}
	if u.usesCC(a) {
		// The cgo tool and external linking run $CC, which needs scratch
		// space; only these actions see (and depend on) the C toolchain.
		a.Env = append(slices.Clip(a.Env), "CC="+u.cc, "TMPDIR="+action.WorkVar)
	}
	unit.Deps = slices.Sorted(maps.Keys(deps))
	return rewriteErr
}

// rewritePaths replaces the module root directory with $WORK/src, where the
// builder lays out the package's sources, and third-party module
// directories with their store paths.
func (u *unitBuilder) rewritePaths(s string) string {
	s = replaceDir(s, u.moduleRoot, srcVar)
	if u.modCache == "" || !strings.Contains(s, u.modCache) {
		return s
	}
	for dir, storePath := range u.moduleDirs {
		s = replaceDir(s, dir, storePath)
	}
	return s
}

// moduleDirOf returns the third-party module directory holding dir.
func (u *unitBuilder) moduleDirOf(dir string) (string, bool) {
	for m := range u.moduleDirs {
		if dir == m || strings.HasPrefix(dir, m+"/") {
			return m, true
		}
	}
	return "", false
}

// replaceDir replaces the directory root with to wherever it appears as a
// whole path element sequence (not as the prefix of a longer name).
func replaceDir(s, root, to string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, root)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(root)
		if end < len(s) && isPathChar(s[end]) {
			b.WriteString(s[:end])
		} else {
			b.WriteString(s[:i])
			b.WriteString(to)
		}
		s = s[end:]
	}
}

func isPathChar(c byte) bool {
	return c == '-' || c == '_' || c == '.' || c == '+' || c == '~' ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// normalizeCompileFlags drops the per-action -buildid (the binary's build ID
// is empty, and a build ID derived from the plan would make every edit
// change unrelated derivations) so a package's compile depends only on its
// own inputs.
func normalizeCompileFlags(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		if args[i] == "-buildid" && i+1 < len(args) {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}
