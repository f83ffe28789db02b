package plan

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Under -n, cmd/go prints its pkg-config commands instead of running them
// and goes on as if they printed nothing, so the cgo commands it prints
// lack a `#cgo pkg-config:` package's flags. The planner runs pkg-config
// itself, in the planning sandbox, with PKG_CONFIG_LIBDIR made of the
// libraries' lib/pkgconfig and share/pkgconfig directories only, and puts
// the flags where cmd/go's cgo (cmd/go/internal/work/exec.go) puts them:
// the --cflags at the end of the package's CPPFLAGS, just before the
// "-I <objdir>" cmd/go adds last, in the cgo tool's and every C compile's
// arguments; the --libs at the end of its LDFLAGS, in the cgo tool's
// -ldflags list (Go 1.24 on; before, its CGO_LDFLAGS, in the same form)
// and in the link of _cgo_.o, whose arguments end with that list.

// pkgConfigFlags are the flags pkg-config gave one package.
type pkgConfigFlags struct {
	cflags, libs []string
}

// pkgConfigFlagsOf runs pkg-config for every package of pkgs with a
// `#cgo pkg-config:` line, as cmd/go's getPkgConfigFlags would: its
// arguments starting with "--" first, then "--", then the library names.
// The same arguments are asked once per planning (the environment is the
// same for all).
func (g *goRunner) pkgConfigFlagsOf(pkgs []*Package) (map[string]*pkgConfigFlags, error) {
	flags := map[string]*pkgConfigFlags{}
	for _, p := range pkgs {
		if len(p.CgoPkgConfig) == 0 || !g.cfg.CGO {
			continue
		}
		if g.cfg.PkgConfig == "" {
			return nil, &Error{Kind: KindBadArgument, Argument: "pkgConfig", Package: p.ImportPath, Message: fmt.Sprintf(
				"package %s asks pkg-config for %s (#cgo pkg-config), but no pkg-config was given (pkgConfig)",
				p.ImportPath, strings.Join(p.CgoPkgConfig, " "))}
		}
		if len(p.MFiles)+len(p.FFiles) > 0 {
			// cmd/go puts -lobjc or -lgfortran after pkg-config's --libs.
			return nil, &Error{Kind: KindPackage, Package: p.ImportPath, Message: fmt.Sprintf(
				"package %s: #cgo pkg-config with Objective-C or Fortran files cannot be planned exactly", p.ImportPath)}
		}
		key := strings.Join(p.CgoPkgConfig, "\x00")
		if f := g.pkgConfigRuns[key]; f != nil {
			flags[p.ImportPath] = f
			continue
		}
		var opts, names []string
		for _, a := range p.CgoPkgConfig {
			switch {
			case a == "--":
			case strings.HasPrefix(a, "--"):
				opts = append(opts, a)
			default:
				names = append(names, a)
			}
		}
		f := &pkgConfigFlags{}
		var err error
		if f.cflags, err = g.pkgConfig(p, "--cflags", opts, names, cflagOK); err != nil {
			return nil, err
		}
		if f.libs, err = g.pkgConfig(p, "--libs", opts, names, libFlagOK); err != nil {
			return nil, err
		}
		if g.pkgConfigRuns == nil {
			g.pkgConfigRuns = map[string]*pkgConfigFlags{}
		}
		g.pkgConfigRuns[key], flags[p.ImportPath] = f, f
	}
	return flags, nil
}

// pkgConfig runs pkg-config with what (--cflags or --libs) for package p
// and returns the flags it printed, each of which must match ok.
func (g *goRunner) pkgConfig(p *Package, what string, opts, names []string, ok *regexp.Regexp) ([]string, error) {
	args := slices.Concat([]string{what}, opts, []string{"--"}, names)
	cmdline := "pkg-config " + strings.Join(args, " ")
	var out, errb bytes.Buffer
	err := g.exec(g.scratch, &out, &errb, g.cfg.PkgConfig, args...)
	if pe := (*Error)(nil); errors.As(err, &pe) {
		return nil, pe
	}
	if err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, &Error{Kind: KindPackage, Package: p.ImportPath, Message: fmt.Sprintf(
			"package %s: %s failed (are the libraries in buildInputs?): %s", p.ImportPath, cmdline, msg)}
	}
	text := strings.TrimSpace(out.String())
	if strings.ContainsAny(text, "\\\"'") {
		return nil, &Error{Kind: KindPackage, Package: p.ImportPath, Message: fmt.Sprintf(
			"package %s: %s printed quoted or escaped flags (%s), which nix-gograph cannot pass on exactly as cmd/go would",
			p.ImportPath, cmdline, text)}
	}
	flags := strings.Fields(text)
	for _, f := range flags {
		if !ok.MatchString(f) {
			return nil, &Error{Kind: KindPackage, Package: p.ImportPath, Message: fmt.Sprintf(
				"package %s: %s printed the flag %q, which nix-gograph does not pass on (it takes -I, -D, -pthread from --cflags and -L, -l, -pthread, -Wl,-rpath from --libs, all of which cmd/go allows)",
				p.ImportPath, cmdline, f)}
		}
	}
	return flags, nil
}

// cflagOK and libFlagOK are the flags pkg-config may print: a subset of
// what cmd/go's security checks allow (cmd/go/internal/work/security.go),
// so that a plan never passes a flag `go build` would refuse.
var (
	cflagOK   = regexp.MustCompile(`^(-I/.*|-D[A-Za-z_][A-Za-z0-9_]*(=[^@\-]*)?|-pthread)$`)
	libFlagOK = regexp.MustCompile(`^(-L/.*|-l[^@\-].*|-pthread|-Wl,-rpath[=,]/[^,]*)$`)
)

// pkgConfigInserter puts one package's pkg-config flags into the commands
// of its section, in the order they come (cgo.go's comment at the top).
type pkgConfigInserter struct {
	flags  *pkgConfigFlags
	objdir string // "$WORK/b012/"
	// ldflags is the cgo tool's -ldflags list as cmd/go printed it
	// (without the --libs), which ends the link of _cgo_.o.
	ldflags []string
}

// cgoTool adds the flags to the cgo tool's arguments.
func (in *pkgConfigInserter) cgoTool(args []string) ([]string, error) {
	dash := slices.Index(args, "--")
	at := -1
	if dash >= 0 {
		if i := indexPair(args[dash+1:], "-I", in.objdir); i >= 0 {
			at = dash + 1 + i
		}
	}
	if at < 0 {
		return nil, fmt.Errorf("the cgo command has no \"-- … -I %s\" to add pkg-config's flags to", in.objdir)
	}
	out := slices.Clone(args)
	ld := slices.IndexFunc(args[:dash], func(a string) bool { return strings.HasPrefix(a, "-ldflags=") })
	switch {
	case ld >= 0 && in.ldflags == nil:
		list, err := unquoteAll(strings.TrimPrefix(args[ld], "-ldflags="))
		if err != nil {
			return nil, fmt.Errorf("the cgo command's %s: %w", args[ld], err)
		}
		in.ldflags = list
		out[ld] += in.quotedLibs()
	case ld >= 0 || in.ldflags == nil:
		return nil, fmt.Errorf("the cgo command has LDFLAGS in both -ldflags and CGO_LDFLAGS, or in neither")
	}
	return slices.Insert(out, at, in.flags.cflags...), nil
}

// cgoEnv adds the --libs to the cgo tool's environment env if its LDFLAGS
// are there (CGO_LDFLAGS not empty, as before Go 1.24).
func (in *pkgConfigInserter) cgoEnv(env []string) ([]string, error) {
	at := slices.IndexFunc(env, func(e string) bool { return strings.HasPrefix(e, "CGO_LDFLAGS=") })
	if at < 0 || env[at] == "CGO_LDFLAGS=" {
		return env, nil
	}
	list, err := unquoteAll(strings.TrimPrefix(env[at], "CGO_LDFLAGS="))
	if err != nil {
		return nil, fmt.Errorf("the cgo command's %s: %w", env[at], err)
	}
	in.ldflags = list
	out := slices.Clone(env)
	out[at] += in.quotedLibs()
	return out, nil
}

// quotedLibs is " " and the --libs as cmd/go lists LDFLAGS for cgo (each
// Go-quoted, separated by spaces), "" if there are none.
func (in *pkgConfigInserter) quotedLibs() string {
	var b strings.Builder
	for _, f := range in.flags.libs {
		b.WriteString(" " + strconv.Quote(f))
	}
	return b.String()
}

// isCgoTool reports whether args run the cgo tool on a package's files
// (not its -dynimport run).
func isCgoTool(args []string) bool {
	return strings.HasSuffix(args[0], "/cgo") && slices.Contains(args, "-objdir")
}

// cc adds the flags to a C compiler command: a compile (-c) gets the
// --cflags, the link of _cgo_.o the --libs after its LDFLAGS.
func (in *pkgConfigInserter) cc(args []string) ([]string, error) {
	if slices.Contains(args, "-c") {
		at := indexPair(args, "-I", in.objdir)
		if at < 0 {
			return nil, fmt.Errorf("a C compile has no \"-I %s\" to add pkg-config's flags before", in.objdir)
		}
		return slices.Insert(slices.Clone(args), at, in.flags.cflags...), nil
	}
	if in.ldflags == nil || len(args) < len(in.ldflags) || !slices.Equal(args[len(args)-len(in.ldflags):], in.ldflags) {
		return nil, fmt.Errorf("the link of %s_cgo_.o does not end with the cgo command's LDFLAGS %q", in.objdir, in.ldflags)
	}
	return slices.Concat(args, in.flags.libs), nil
}

// pkgConfigPlacementError is the error for a command of package pkg whose
// place for pkg-config's flags the inserter could not find.
func pkgConfigPlacementError(pkg string, err error) error {
	return &Error{Kind: KindGoBuild, Package: pkg, Message: fmt.Sprintf(
		"package %s: cannot add pkg-config's flags exactly where go build would: %v", pkg, err)}
}

// indexPair is the index of the first a immediately followed by b in args,
// -1 if there is none.
func indexPair(args []string, a, b string) int {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == a && args[i+1] == b {
			return i
		}
	}
	return -1
}

// unquoteAll splits s, Go-quoted strings separated by single spaces (as
// cmd/go writes cgo's -ldflags), into the strings.
func unquoteAll(s string) ([]string, error) {
	list := []string{}
	for s != "" {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, err
		}
		u, err := strconv.Unquote(q)
		if err != nil {
			return nil, err
		}
		list = append(list, u)
		s = strings.TrimPrefix(s[len(q):], " ")
	}
	return list, nil
}

// LibraryEnv is the environment that shows c's Libraries to pkg-config
// (PKG_CONFIG_LIBDIR, which replaces its default search path) and, if
// there are any, to the C compiler (CPATH, searched after -I, and
// LIBRARY_PATH, searched after -L): what nixpkgs' C compiler wrapper does
// with buildInputs. pkg-config would leave out the -I and -L of
// directories in CPATH and LIBRARY_PATH, taking them for the system's;
// PKG_CONFIG_ALLOW_SYSTEM_CFLAGS and _LIBS keep its output the same with
// and without them, as under nixpkgs.
func (c *Config) LibraryEnv() []string {
	var include, lib, pc []string
	for _, l := range c.Libraries {
		include = append(include, l+"/include")
		lib = append(lib, l+"/lib")
		pc = append(pc, l+"/lib/pkgconfig", l+"/share/pkgconfig")
	}
	env := []string{"PKG_CONFIG_LIBDIR=" + strings.Join(pc, ":"),
		"PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1", "PKG_CONFIG_ALLOW_SYSTEM_LIBS=1"}
	if len(c.Libraries) > 0 {
		env = append(env, "CPATH="+strings.Join(include, ":"), "LIBRARY_PATH="+strings.Join(lib, ":"))
	}
	return env
}
