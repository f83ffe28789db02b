package plan

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
)

// Tests is the plan of the test binaries of some main-module packages.
type Tests struct {
	// Packages are what `go list -test -deps` reports: packages, the
	// variants recompiled for a test ("p [q.test]") and test mains
	// ("q.test").
	Packages []*Package
	// Units compile the packages the build plan does not have and link
	// each test binary.
	Units []*Unit
	// Binaries are the test binaries, one per tested package.
	Binaries []*TestBinary
}

// TestBinary is the test binary of one package.
type TestBinary struct {
	// ImportPath is the package under test; Dir its directory.
	ImportPath, Dir string
	// Main is the import path of the binary's link unit ("p.test").
	Main string
}

// planTests plans the test binaries of the main-module packages in pkgs
// that have tests. Units the build plan already has (known) are left out.
func (g *goRunner) planTests(pkgs []*Package, toolEnv []string, known map[string]bool) (*Tests, error) {
	var patterns []string
	var tested []*Package
	for _, p := range pkgs {
		if p.DepOnly || p.Module == nil || !p.Module.Main || len(p.TestGoFiles)+len(p.XTestGoFiles) == 0 {
			continue
		}
		rel, err := filepath.Rel(g.cfg.Dir, p.Dir)
		if err != nil {
			return nil, err
		}
		patterns = append(patterns, "./"+filepath.ToSlash(rel))
		tested = append(tested, p)
	}
	if len(patterns) == 0 {
		return &Tests{}, nil
	}
	var (
		listed   []*Package
		sections []*section
	)
	waitList := Async(func() (err error) { listed, err = g.listTests(patterns); return err })
	waitBuild := Async(func() (err error) { sections, err = g.testScript(patterns); return err })
	if err := cmp.Or(waitList(), waitBuild()); err != nil {
		return nil, err
	}
	byID := map[string]*Package{}
	for _, p := range listed {
		byID[p.ImportPath] = p
	}
	if err := nameTestSections(sections, byID); err != nil {
		return nil, err
	}
	probes, err := g.probeCompiler(sections)
	if err != nil {
		return nil, err
	}
	pc, err := g.pkgConfigFlagsOf(listed)
	if err != nil {
		return nil, err
	}
	units, err := makeUnits(g.cfg, toolEnv, listed, sections, probes, pc)
	if err != nil {
		return nil, err
	}
	t := &Tests{Packages: listed}
	for _, u := range units {
		if !known[u.ImportPath] || u.Mode == "link" {
			t.Units = append(t.Units, u)
		}
	}
	for _, p := range tested {
		main := p.ImportPath + ".test"
		if byID[main] == nil {
			return nil, fmt.Errorf("plan: go list -test reported no test main for %s", p.ImportPath)
		}
		t.Binaries = append(t.Binaries, &TestBinary{ImportPath: p.ImportPath, Dir: p.Dir, Main: main})
	}
	return t, nil
}

// listTests runs go list -test -deps. The test mains' generated source
// (_testmain.go, which `go test -n` does not print) is read from the
// private build cache go list writes it to.
func (g *goRunner) listTests(patterns []string) ([]*Package, error) {
	pkgs, err := g.listPackages([]string{"-test", "-deps"}, patterns)
	if err != nil {
		return nil, err
	}
	if err := readTestMains(g.scratch, pkgs); err != nil {
		return nil, err
	}
	return pkgs, nil
}

// maxTestMain bounds the size of a test main's source.
const maxTestMain = 16 << 20

// readTestMains gives each test main in pkgs whose one Go file go list
// reports in scratch (its build cache) that file's content. The file is
// read as go, which may be anything in place of the toolchain, left it:
// through an os.Root on scratch, the one directory it can write, so that
// neither ".." nor a symlink reaches another file of the host; and only a
// regular file, so that a FIFO cannot block planning.
func readTestMains(scratch string, pkgs []*Package) error {
	var root *os.Root
	defer func() {
		if root != nil {
			root.Close()
		}
	}()
	for _, p := range pkgs {
		if p.Name != "main" || !strings.HasSuffix(p.ImportPath, ".test") || len(p.GoFiles) != 1 {
			continue
		}
		rel, ok := strings.CutPrefix(p.GoFiles[0], scratch+string(filepath.Separator))
		if !ok {
			continue
		}
		if root == nil {
			var err error
			if root, err = os.OpenRoot(scratch); err != nil {
				return fmt.Errorf("plan: opening the scratch directory: %w", err)
			}
		}
		data, err := readRegular(root, rel)
		if err != nil {
			return &Error{Kind: KindGoList, Package: p.ImportPath,
				Message: fmt.Sprintf("go list -test: cannot read the test main of %s, %s: %v", p.ImportPath, p.GoFiles[0], err)}
		}
		p.testMain = string(data)
	}
	return nil
}

// readRegular reads name in root if it is a regular file of at most
// maxTestMain bytes.
func readRegular(root *os.Root, name string) ([]byte, error) {
	// O_NONBLOCK: opening a FIFO does not wait for a writer.
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%v)", fi.Mode().Type())
	}
	data, err := io.ReadAll(io.LimitReader(f, maxTestMain+1))
	if err == nil && len(data) > maxTestMain {
		err = fmt.Errorf("larger than %d MiB", maxTestMain>>20)
	}
	return data, err
}

// testScript runs go test -c -n. go test takes no "--" before packages,
// but every pattern starts with "./", so none can be read as a flag.
func (g *goRunner) testScript(patterns []string) ([]*section, error) {
	args := append([]string{"test", "-c", "-n", "-a", "-p", "1", "-vet=off"}, g.buildFlags()...)
	args = append(args, "-o", filepath.Join(g.scratch, "tests")+"/")
	for _, p := range patterns {
		if !strings.HasPrefix(p, "./") {
			return nil, fmt.Errorf("plan: test pattern %q does not start with ./", p)
		}
	}
	_, script, err := g.run(append(args, patterns...)...)
	if err != nil {
		return nil, goBuildError("go test -c -n", script, err, g.cfg.Dir)
	}
	return parseScript(string(script), g.cfg.Dir)
}

var archiveUse = regexp.MustCompile(`\$WORK/(b\d+)/_pkg_\.a`)

// nameTestSections gives each section of a test script the import path go
// list uses for it: `go test -n` heads a package recompiled for a test
// ("p [q.test]") with the plain "p". A section is such a variant if it
// compiles q's _test.go files (p = q), is q's external test package, or
// uses the archive of a variant. Test mains get their generated source.
func nameTestSections(sections []*section, byID map[string]*Package) error {
	idOf := map[string]string{} // "b012" -> id
	for _, s := range sections {
		id := s.pkg
		if main := byID[s.pkg]; main != nil && main.testMain != "" {
			// A test main: named as go list names it.
		} else if forTest := variantFor(s, byID, idOf); forTest != "" {
			id = s.pkg + " [" + forTest + ".test]"
		}
		p := byID[id]
		if p == nil {
			return fmt.Errorf("plan: go test -n built %s, which go list -test did not report", id)
		}
		if p.testMain != "" {
			s.stmts = slices.Insert(s.stmts, 0, statement{kind: "write", file: s.objdir + "/_testmain.go", content: p.testMain, literal: true})
		}
		s.pkg = id
		idOf[strings.TrimPrefix(s.objdir, "$WORK/")] = id
	}
	return nil
}

// variantFor returns the package under test that s is recompiled for, or "".
func variantFor(s *section, byID map[string]*Package, idOf map[string]string) string {
	if own := byID[s.pkg+" ["+s.pkg+".test]"]; own != nil && compilesAny(s, own.TestGoFiles) {
		return s.pkg
	}
	if under, ok := strings.CutSuffix(s.pkg, "_test"); ok && byID[s.pkg+" ["+under+".test]"] != nil {
		return under
	}
	for _, st := range s.stmts {
		for _, m := range archiveUse.FindAllStringSubmatch(st.content, -1) {
			if _, forTest, ok := strings.Cut(idOf[m[1]], " ["); ok {
				return strings.TrimSuffix(forTest, ".test]")
			}
		}
	}
	return ""
}

// compilesAny reports whether a compile in s names one of files.
func compilesAny(s *section, files []string) bool {
	for _, st := range s.stmts {
		if st.kind != "run" || !strings.HasSuffix(st.args[0], compileCmd) {
			continue
		}
		for _, a := range st.args {
			if slices.Contains(files, filepath.Base(a)) {
				return true
			}
		}
	}
	return false
}
