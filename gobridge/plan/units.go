package plan

import (
	"errors"
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
// ArchiveRef(importPath); the caller substitutes the path of the output
// holding it (or the placeholder standing for that path).
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
	// Modules are the third-party modules ("path@version", after
	// replacement) whose files the action reads: a dependency package's
	// own module. Their directories appear in the action as the store
	// paths Config.ModuleDirs gives.
	Modules []string
	// UsesCC is set if the action runs the C compiler (Config.CC), directly,
	// through the cgo tool or through the linker.
	UsesCC bool
	// UsesLibraries is set if the action runs the C compiler (UsesCC) for
	// a package outside the standard library or to link externally: it
	// reads Config.Libraries.
	UsesLibraries bool
	// ActionBuildID is set on a link that keeps cmd/go's build ID (no
	// -buildid of the user's follows it): a digest of the contents of every
	// file the build reads, so the plan depends on more than their plan
	// parts (a body edit changes it).
	ActionBuildID bool
	Action        action.Action
}

// ArchiveRef is the placeholder a unit's action uses for the archive of
// importPath; see Unit.
func ArchiveRef(importPath string) string { return "$GOGRAPH_ARCHIVE{" + importPath + "}" }

// srcVar is where the builder lays out main-module sources: the module
// root's place in the sandbox.
const srcVar = action.WorkVar + "/src"

// compileCmd ends the path of the Go compiler.
const compileCmd = "/compile"

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
	// flags are the ldflags, gcflags and asmflags as cmd/go reads them.
	flags   map[string]userFlag
	linkObj bool // Config.LinkObj
	// libraryEnv is Config.LibraryEnv, for the cgo packages outside the
	// standard library and links, when there are libraries.
	libraryEnv []string
	// pkgConfigFlags are pkg-config's flags by package (pkgconfig.go), and
	// inserting puts those of the section being filled in.
	pkgConfigFlags map[string]*pkgConfigFlags
	inserting      *pkgConfigInserter
}

func newUnitBuilder(cfg *Config, toolEnv []string, sections []*section, probes compilerProbes) *unitBuilder {
	u := &unitBuilder{moduleRoot: cfg.Dir, moduleDirs: cfg.ModuleDirs, modCache: cfg.ModCache,
		goRoot: cfg.GoRoot, cc: cfg.CC, probes: probes, toolEnv: toolEnv, objdirPkg: map[string]string{},
		flags: userFlagsOf(cfg), linkObj: cfg.LinkObj}
	if len(cfg.Libraries) > 0 {
		u.libraryEnv = cfg.LibraryEnv()
	}
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
		if _, ok := u.moduleDirOf(pkg.Dir); ok {
			if pkg.Module == nil {
				return nil, fmt.Errorf("plan: package %s is in the module cache but in no module", s.pkg)
			}
			mod := pkg.Module
			if mod.Replace != nil {
				mod = mod.Replace
			}
			compile.Modules = []string{mod.Path + "@" + mod.Version}
		} else if rel, ok := strings.CutPrefix(pkg.Dir, u.moduleRoot); ok && (rel == "" || rel[0] == '/') {
			compile.SourceDir = srcVar + action.Literal(rel)
		} else {
			return nil, fmt.Errorf("plan: package %s is in %s, outside the module and the module cache", s.pkg, pkg.Dir)
		}
	}
	if err := u.fill(compile, s, pkg, s.stmts[:linkAt], false); err != nil {
		return nil, err
	}
	if u.linkObj {
		if err := splitLinkObj(compile); err != nil {
			return nil, err
		}
	} else {
		compile.Action.Steps = append(compile.Action.Steps, action.Step{Install: &action.Install{
			From: pkgArchive, To: action.ArchiveName}})
	}
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

// pkgArchive is where a compile leaves the package's archive, and
// linkArchive the linker's object of a split compile (splitLinkObj).
const (
	pkgArchive  = action.WorkVar + "/obj/_pkg_.a"
	linkArchive = action.WorkVar + "/obj/_link_.a"
)

// splitLinkObj makes the compile unit leave the package's export data
// and the linker's object apart, as `go tool compile -linkobj` writes
// them: its compile gets "-linkobj" right after cmd/go's "-o", the objects
// cmd/go packs into the archive (assembly, cgo's C) go into the linker's
// object instead, and the export data is installed in the output
// action.ExportOutput, the linker's object in "out". The linker skips the
// export data of an archive, so links read the same objects as before.
func splitLinkObj(compile *Unit) error {
	a := &compile.Action
	compiled := 0
	for i := range a.Steps {
		switch st := &a.Steps[i]; {
		case st.Run != nil && strings.HasSuffix(st.Run.Args[0], compileCmd):
			args := st.Run.Args
			if len(args) < 3 || args[1] != "-o" || args[2] != pkgArchive {
				return fmt.Errorf("plan: the compile of %s does not start with -o %s", compile.ImportPath, pkgArchive)
			}
			st.Run.Args = slices.Concat(args[:3], []string{"-linkobj", linkArchive}, args[3:])
			compiled++
		case st.Pack != nil && st.Pack.Archive == pkgArchive:
			st.Pack.Archive = linkArchive
		}
	}
	if compiled != 1 {
		return fmt.Errorf("plan: %s has %d compiles, not one", compile.ImportPath, compiled)
	}
	a.Steps = append(a.Steps,
		action.Step{Install: &action.Install{From: pkgArchive, To: action.ArchiveName, Output: action.ExportOutput}},
		action.Step{Install: &action.Install{From: linkArchive, To: action.ArchiveName}})
	return nil
}

// fill converts statements into u's action steps. Every string is turned
// into an action template (action.Literal): the paths cmd/go wrote become
// placeholders and store paths (template), the flags the user gave are
// taken as the user gave them (userFlags), and nothing else is rewritten.
func (u *unitBuilder) fill(unit *Unit, s *section, pkg *Package, stmts []statement, linking bool) error {
	own := strings.TrimPrefix(s.objdir, "$WORK/")
	deps := map[string]bool{}
	var firstErr error
	rw := func(str string) string {
		out, err := u.template(str, own, linking, deps)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("plan: %s: %w", s.pkg, err)
		}
		return out
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
	u.inserting = nil
	if f := u.pkgConfigFlags[s.pkg]; f != nil {
		u.inserting = &pkgConfigInserter{flags: f, objdir: s.objdir + "/"}
	}
	a.Steps = append(a.Steps, action.Step{Mkdir: action.WorkVar + "/obj"})
	for _, st := range stmts {
		switch st.kind {
		case "mkdir":
			if !strings.HasPrefix(st.file, action.WorkVar) {
				continue // the -o directory: the builder installs into $out
			}
			a.Steps = append(a.Steps, action.Step{Mkdir: rw(st.file)})
		case "write":
			content := u.writeContent(st, rw)
			a.Steps = append(a.Steps, action.Step{Write: &action.Write{File: rw(st.file), Content: content}})
		case "pack":
			a.Steps = append(a.Steps, action.Step{Pack: &action.Pack{Archive: rw(st.file), Objects: rwAll(st.args)}})
		case "cp":
			a.Steps = append(a.Steps, action.Step{Copy: &action.Copy{From: rw(st.file), To: rw(st.args[0])}})
		case "run":
			if in := u.inserting; in != nil && isCgoTool(st.args) {
				// Before runArgs, which reads the LDFLAGS cgoEnv finds.
				env, err := in.cgoEnv(st.env)
				if err != nil {
					return pkgConfigPlacementError(s.pkg, err)
				}
				st.env = env
			}
			args, err := u.runArgs(st, s, pkg, rw, unit)
			if err != nil {
				return fmt.Errorf("plan: %s: %w", s.pkg, err)
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
	if unit.UsesCC = u.usesCC(a); unit.UsesCC {
		// The cgo tool and external linking run $CC, which needs scratch
		// space; only these actions see (and depend on) the C toolchain.
		a.Env = append(slices.Clip(a.Env), "CC="+action.Literal(u.cc), "TMPDIR="+action.WorkVar)
		// The libraries are for the module's C code, not the standard
		// library's (whose objects stay shared by every program).
		if unit.UsesLibraries = u.libraryEnv != nil && (pkg == nil || !pkg.Standard); unit.UsesLibraries {
			for _, e := range u.libraryEnv {
				a.Env = append(a.Env, action.Literal(e))
			}
		}
	}
	unit.Deps = slices.Sorted(maps.Keys(deps))
	return firstErr
}

// runArgs is the argument list of the run st of unit as action templates:
// the flags the user gave are literal, every other argument goes through
// rw.
func (u *unitBuilder) runArgs(st statement, s *section, pkg *Package, rw func(string) string, unit *Unit) ([]string, error) {
	if strings.HasSuffix(st.args[0], compileCmd) {
		st = dropBuildID(st)
	}
	lo, hi, user, err := u.userFlags(st)
	if err != nil {
		return nil, err
	}
	if path.Base(st.args[0]) == "link" {
		if st, lo, hi, err = dropLinkBuildID(st, lo, hi, user); errors.Is(err, errActionBuildID) {
			unit.ActionBuildID, err = true, nil
		} else if err != nil {
			return nil, err
		}
	}
	for i, arg := range st.args {
		if (i < lo || i >= hi) && st.quoted[i] && strings.Contains(arg, " .") {
			// ShowCmd prints " "+dir as " ." anywhere in the line.
			return nil, &Error{Kind: KindGoBuild, Package: s.pkg, Message: fmt.Sprintf(
				"package %s: go build -n printed the argument %q of %s with \" .\", which may stand for its directory %s: cannot plan it exactly",
				s.pkg, arg, path.Base(st.args[0]), st.dir)}
		}
	}
	args := st.args
	if u.cc != "" && args[0] == u.cc && pkg != nil {
		args = u.cgoArgs(st, s.objdir, pkg) // a C compile: no user block (lo == hi)
	}
	if in := u.inserting; in != nil && lo == hi {
		switch {
		case isCgoTool(args):
			args, err = in.cgoTool(args)
		case u.cc != "" && args[0] == u.cc:
			args, err = in.cc(args)
		}
		if err != nil {
			return nil, pkgConfigPlacementError(s.pkg, err)
		}
	}
	out := make([]string, len(args))
	for i, arg := range args {
		if i >= lo && i < hi {
			out[i] = action.Literal(user[i-lo])
		} else {
			out[i] = rw(arg)
		}
	}
	return out, nil
}

// errActionBuildID is dropLinkBuildID's answer for a link whose build ID
// is cmd/go's.
var errActionBuildID = errors.New("the link keeps cmd/go's build ID")

// dropLinkBuildID drops cmd/go's -buildid=ID from the link st when a
// -buildid in the user's flags (args[lo:hi], words user) follows and
// overrides it: the ID digests the contents of every source file, so
// keeping it would make an edit of any function body change the plan.
// Without one, st is kept and the error is errActionBuildID.
func dropLinkBuildID(st statement, lo, hi int, user []string) (statement, int, int, error) {
	if !overridesBuildID(user) {
		return st, lo, hi, errActionBuildID
	}
	for i := lo - 1; i >= 0; i-- {
		if strings.HasPrefix(st.args[i], "-buildid=") {
			st.args = slices.Delete(slices.Clone(st.args), i, i+1)
			st.quoted = slices.Delete(slices.Clone(st.quoted), i, i+1)
			return st, lo - 1, hi - 1, nil
		}
	}
	return st, lo, hi, nil
}

// overridesBuildID reports whether the linker surely reads one of the
// user's words as its -buildid flag: a "-buildid" word ("-buildid=X", or
// "-buildid" then X; one dash or two) that no earlier "--" ends the flags
// before, and that is not the value of the word before it. That word
// takes no value if it is not a flag, is a flag with its "=value", or is
// one of the linker's boolean flags; any other flag might take the
// "-buildid" word as its value, so such a word is not counted (the plan
// keeps cmd/go's build ID: exact, just not reused).
func overridesBuildID(user []string) bool {
	for i, w := range user {
		if w == "--" {
			return false
		}
		name, ok := flagName(w)
		if !ok || name != "buildid" {
			continue
		}
		if i == 0 {
			return true
		}
		prev, isFlag := flagName(user[i-1])
		if !isFlag || strings.Contains(user[i-1], "=") || boolLinkFlags[prev] {
			return true
		}
	}
	return false
}

// flagName is the name of the flag the word w is ("-name", "--name",
// "-name=value"), ok false if w is no flag.
func flagName(w string) (name string, ok bool) {
	rest, ok := strings.CutPrefix(w, "-")
	rest = strings.TrimPrefix(rest, "-")
	name, _, _ = strings.Cut(rest, "=")
	return name, ok && name != ""
}

// boolLinkFlags are boolean flags of cmd/link in every supported release,
// which take no following value.
var boolLinkFlags = map[string]bool{"s": true, "w": true, "v": true, "race": true, "msan": true, "asan": true,
	"linkshared": true, "d": true}

// dropBuildID drops the per-action -buildid of a compile (cmd/go's own
// flags come before any the user gave): the binary's build ID is empty
// (-buildid=), and one derived from the plan would make every edit change
// unrelated derivations.
func dropBuildID(st statement) statement {
	if i := slices.Index(st.args, "-buildid"); i >= 0 && i+1 < len(st.args) {
		st.args = slices.Delete(slices.Clone(st.args), i, i+2)
		st.quoted = slices.Delete(slices.Clone(st.quoted), i, i+2)
	}
	return st
}

// writeContent is the content of the write st as a template: a test
// main's source is literal, and so is the modinfo line of importcfg.link,
// which records the user's flags; every other line holds paths cmd/go
// wrote.
func (u *unitBuilder) writeContent(st statement, rw func(string) string) string {
	if st.literal {
		return action.Literal(st.content)
	}
	if !strings.Contains(st.content, "modinfo ") {
		return rw(st.content)
	}
	lines := strings.SplitAfter(st.content, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "modinfo ") {
			lines[i] = action.Literal(line)
		} else {
			lines[i] = rw(line)
		}
	}
	return strings.Join(lines, "")
}

// template turns str, a string of the -n script in a place where cmd/go
// writes paths, into an action template: $WORK/bNNN/_pkg_.a of another
// package becomes its ArchiveRef (recorded in deps), this package's work
// directory $WORK/obj, the module root $WORK/src and third-party module
// directories their store paths; every other "$" is escaped
// (action.Literal).
func (u *unitBuilder) template(str, own string, linking bool, deps map[string]bool) (string, error) {
	if !strings.ContainsAny(str, "$/") {
		return str, nil
	}
	var b strings.Builder
	for i := 0; i < len(str); {
		rest := str[i:]
		if str[i] == '$' {
			if dir, n := workDirAt(rest); n > 0 {
				switch ip, known := u.objdirPkg[dir]; {
				case dir == "":
					b.WriteString(action.WorkVar)
				case strings.HasPrefix(rest[n:], "/_pkg_.a") && !(dir == own && !linking):
					if !known {
						return str, fmt.Errorf("refers to unknown work directory %s", dir)
					}
					deps[ip] = true
					b.WriteString(ArchiveRef(ip))
					n += len("/_pkg_.a")
				case dir != own:
					return str, fmt.Errorf("refers to another package's work directory %s", dir)
				default:
					b.WriteString(action.WorkVar + "/obj")
				}
				i += n
				continue
			}
		}
		if to, n := u.dirAt(str[:i], rest); n > 0 {
			b.WriteString(to)
			i += n
			continue
		}
		if str[i] == '$' {
			b.WriteString("$$")
		} else {
			b.WriteByte(str[i])
		}
		i++
	}
	return b.String(), nil
}

// workDirAt reports whether s starts with $WORK (dir "") or one of its
// package directories $WORK/bNNN (dir "bNNN"), and its length.
func workDirAt(s string) (dir string, n int) {
	if !strings.HasPrefix(s, action.WorkVar) {
		return "", 0
	}
	n = len(action.WorkVar)
	if strings.HasPrefix(s[n:], "/b") {
		j := n + 2
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j > n+2 && (j == len(s) || !isPathChar(s[j])) {
			return s[n+1 : j], j
		}
	}
	if n < len(s) && (isPathChar(s[n])) {
		return "", 0 // $WORKX: not cmd/go's
	}
	return "", n
}

// dirAt reports whether s starts with the module root or a third-party
// module's directory (as a whole path: not the prefix of a longer name), and
// what it becomes: $WORK/src, or the module's store path. before is what
// precedes s in its string: a path starts a string, follows one of
// pathStart, or follows a short flag such as -I or -L (#cgo flags).
func (u *unitBuilder) dirAt(before, s string) (to string, n int) {
	if s[0] != '/' || !(before == "" || strings.IndexByte(pathStart, before[len(before)-1]) >= 0 || shortFlag.MatchString(before)) {
		return "", 0
	}
	whole := func(dir string) bool {
		return strings.HasPrefix(s, dir) && (len(s) == len(dir) || strings.IndexByte(pathEnd, s[len(dir)]) >= 0)
	}
	if whole(u.moduleRoot) {
		return srcVar, len(u.moduleRoot)
	}
	if u.modCache != "" && strings.HasPrefix(s, u.modCache) {
		for dir, storePath := range u.moduleDirs {
			if whole(dir) {
				return storePath, len(dir)
			}
		}
	}
	return "", 0
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

// pathStart are the characters after which cmd/go writes a path: a
// separator of words, of -trimpath rewrites or of a flag and its value, a
// quote of embedcfg's JSON or of a cgo flag list, a line's start.
const pathStart = " =;\"\n\t:,"

// shortFlag is a flag written together with its path value ("-I/dir").
var shortFlag = regexp.MustCompile(`^-[A-Za-z]+$`)

// pathEnd are the characters that may follow a directory cmd/go wrote
// where the directory ends: a deeper path, the end of a -trimpath rewrite or
// of a flag's value, a quote of embedcfg's JSON or of a cgo flag list, the
// end of an importcfg line.
const pathEnd = "/=;\"\n\t :,"

func isPathChar(c byte) bool {
	return c == '-' || c == '_' || c == '.' || c == '+' || c == '~' ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}
