// Command editfuzz writes a sequence of randomly edited copies of a Go
// module, for the plan cache test (tests/integration/plan-cache.sh): each
// copy is the previous one with one more edit of a kind that can or cannot
// change a plan.
//
//	editfuzz SEED EDITS MODULE OUTDIR
//
// OUTDIR/0 is MODULE itself; OUTDIR/1 … OUTDIR/EDITS follow, and
// OUTDIR/edits.log says what each edit was ("3 import-add internal/leaf/leaf.go").
// Every copy stays a module go can plan: edits touch function bodies, add
// and remove imports of the standard library and files of their own, flip
// build tags on those files, change embedded and test files, and change the
// go directive and the order of go.sum.
package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: editfuzz SEED EDITS MODULE OUTDIR")
		os.Exit(2)
	}
	seed, err1 := strconv.ParseUint(os.Args[1], 10, 64)
	n, err2 := strconv.Atoi(os.Args[2])
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "editfuzz: SEED and EDITS are numbers")
		os.Exit(2)
	}
	if err := run(seed, n, os.Args[3], os.Args[4]); err != nil {
		fmt.Fprintln(os.Stderr, "editfuzz:", err)
		os.Exit(1)
	}
}

// fuzzer edits the module in dir.
type fuzzer struct {
	rng   *rand.Rand
	dir   string
	step  int
	added []string // files of its own it added (relative), still present
}

// An edit changes the module and says what it did, or returns "" when it
// does not apply to the module as it is.
type edit func(f *fuzzer) (string, error)

// edits are the edit kinds with their weights.
var edits = []struct {
	name   string
	weight int
	do     edit
}{
	{"body", 30, (*fuzzer).body},
	{"import-add", 12, (*fuzzer).importAdd},
	{"import-remove", 8, (*fuzzer).importRemove},
	{"file-add", 10, (*fuzzer).fileAdd},
	{"file-delete", 7, (*fuzzer).fileDelete},
	{"tag-flip", 8, (*fuzzer).tagFlip},
	{"embed", 6, (*fuzzer).embed},
	{"test", 7, (*fuzzer).test},
	{"go-mod", 6, (*fuzzer).goMod},
	{"go-sum", 6, (*fuzzer).goSum},
}

func run(seed uint64, n int, module, out string) error {
	f := &fuzzer{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), dir: filepath.Join(out, "0")}
	if err := os.CopyFS(f.dir, os.DirFS(module)); err != nil {
		return err
	}
	var log bytes.Buffer
	total := 0
	for _, e := range edits {
		total += e.weight
	}
	for f.step = 1; f.step <= n; f.step++ {
		next := filepath.Join(out, strconv.Itoa(f.step))
		if err := os.CopyFS(next, os.DirFS(f.dir)); err != nil {
			return err
		}
		f.dir = next
		for {
			pick := f.rng.IntN(total)
			i := 0
			for ; pick >= edits[i].weight; i++ {
				pick -= edits[i].weight
			}
			what, err := edits[i].do(f)
			if err != nil {
				return fmt.Errorf("edit %d (%s): %w", f.step, edits[i].name, err)
			}
			if what != "" {
				fmt.Fprintf(&log, "%d %s %s\n", f.step, edits[i].name, what)
				break
			}
		}
	}
	return os.WriteFile(filepath.Join(out, "edits.log"), log.Bytes(), 0o644)
}

// goFiles are the module's Go files (relative), test files if tests.
func (f *fuzzer) goFiles(tests bool) []string {
	var files []string
	filepath.WalkDir(f.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") && strings.HasSuffix(p, "_test.go") == tests {
			rel, _ := filepath.Rel(f.dir, p)
			files = append(files, rel)
		}
		return nil
	})
	slices.Sort(files)
	return files
}

func (f *fuzzer) pick(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[f.rng.IntN(len(list))]
}

// pickGo picks one of the module's Go files (test files if tests) and
// reads it; rel is "" if there is none.
func (f *fuzzer) pickGo(tests bool) (rel, src string, err error) {
	if rel = f.pick(f.goFiles(tests)); rel == "" {
		return "", "", nil
	}
	src, err = f.read(rel)
	return rel, src, err
}

func (f *fuzzer) read(rel string) (string, error) {
	b, err := os.ReadFile(filepath.Join(f.dir, rel))
	return string(b), err
}

func (f *fuzzer) write(rel, content string) error {
	p := filepath.Join(f.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	os.Remove(p) // copies share nothing, but be sure
	return os.WriteFile(p, []byte(content), 0o644)
}

var editFunc = regexp.MustCompile(`(?m)^func gographEdit(\d+)\(\) int \{ return (\d+) \}$`)

// body adds a function to a Go file, or changes one it added before: a
// body edit, which never changes a plan.
func (f *fuzzer) body() (string, error) {
	rel, src, err := f.pickGo(f.rng.IntN(4) == 0)
	if rel == "" || err != nil {
		return "", err
	}
	if m := editFunc.FindStringSubmatchIndex(src); m != nil && f.rng.IntN(2) == 0 {
		src = src[:m[4]] + strconv.Itoa(f.step) + src[m[5]:]
	} else {
		src += fmt.Sprintf("\nfunc gographEdit%d() int { return %d }\n", f.step, f.step)
	}
	return rel, f.write(rel, src)
}

var stdImports = []string{"strings", "hash/crc32", "encoding/hex", "container/list", "unicode/utf8", "sort"}

const editMark = " // gograph-edit"

var packageClause = regexp.MustCompile(`(?m)^package [A-Za-z_][A-Za-z0-9_]*.*$`)

// importAdd adds `import _ "std"` after a file's package clause.
func (f *fuzzer) importAdd() (string, error) {
	rel, src, err := f.pickGo(false)
	if rel == "" || err != nil {
		return "", err
	}
	loc := packageClause.FindStringIndex(src)
	if loc == nil {
		return "", nil
	}
	imp := f.pick(stdImports)
	src = src[:loc[1]] + "\n\nimport _ \"" + imp + "\"" + editMark + src[loc[1]:]
	return rel + " " + imp, f.write(rel, src)
}

// importRemove removes an import importAdd added.
func (f *fuzzer) importRemove() (string, error) {
	var marked []string
	for _, rel := range f.goFiles(false) {
		if src, err := f.read(rel); err == nil && strings.Contains(src, editMark) {
			marked = append(marked, rel)
		}
	}
	rel := f.pick(marked)
	if rel == "" {
		return "", nil
	}
	src, err := f.read(rel)
	if err != nil {
		return "", err
	}
	lines := strings.Split(src, "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasSuffix(l, editMark) })
	return rel, f.write(rel, strings.Join(slices.Delete(lines, i, i+1), "\n"))
}

// fileAdd adds a Go file of its own to a package directory, in the
// package's name, sometimes importing a standard package.
func (f *fuzzer) fileAdd() (string, error) {
	rel, src, err := f.pickGo(false)
	if rel == "" || err != nil {
		return "", err
	}
	clause := packageClause.FindString(src)
	if clause == "" {
		return "", nil
	}
	name := filepath.Join(filepath.Dir(rel), fmt.Sprintf("gograph_edit%d.go", f.step))
	content := strings.Fields(clause)[0] + " " + strings.Fields(clause)[1] + "\n"
	if f.rng.IntN(2) == 0 {
		content += "\nimport _ \"" + f.pick(stdImports) + "\"\n"
	}
	content += fmt.Sprintf("\nfunc gographAdded%d() int { return %d }\n", f.step, f.step)
	f.added = append(f.added, name)
	return name, f.write(name, content)
}

// fileDelete deletes a file fileAdd added.
func (f *fuzzer) fileDelete() (string, error) {
	if len(f.added) == 0 {
		return "", nil
	}
	i := f.rng.IntN(len(f.added))
	name := f.added[i]
	f.added = slices.Delete(f.added, i, i+1)
	return name, os.Remove(filepath.Join(f.dir, name))
}

// tagFlip puts a file fileAdd added under a build constraint, or takes it
// out of one.
func (f *fuzzer) tagFlip() (string, error) {
	name := f.pick(f.added)
	if name == "" {
		return "", nil
	}
	src, err := f.read(name)
	if err != nil {
		return "", err
	}
	constraints := []string{"", "//go:build gographtag\n\n", "//go:build !gographtag\n\n", "//go:build ignore\n\n"}
	body := src
	if strings.HasPrefix(src, "//go:build") {
		_, body, _ = strings.Cut(src, "\n\n")
	}
	c := f.pick(constraints)
	return name + " " + strings.TrimSpace(c), f.write(name, c+body)
}

var embedLine = regexp.MustCompile(`(?m)^//go:embed (\S+)$`)

// embed changes an embedded file, or adds one to an embedded directory.
func (f *fuzzer) embed() (string, error) {
	var targets []string
	for _, rel := range f.goFiles(false) {
		src, _ := f.read(rel)
		for _, m := range embedLine.FindAllStringSubmatch(src, -1) {
			targets = append(targets, filepath.Join(filepath.Dir(rel), m[1]))
		}
	}
	target := f.pick(targets)
	if target == "" {
		return "", nil
	}
	info, err := os.Stat(filepath.Join(f.dir, target))
	if err != nil {
		return "", nil
	}
	if info.IsDir() {
		name := filepath.Join(target, fmt.Sprintf("edit%d.txt", f.step))
		return name, f.write(name, "added\n")
	}
	src, err := f.read(target)
	if err != nil {
		return "", err
	}
	return target, f.write(target, src+fmt.Sprintf("edit %d\n", f.step))
}

// test adds a test (or an example with output) to a test file, which
// changes the test main.
func (f *fuzzer) test() (string, error) {
	rel, src, err := f.pickGo(true)
	if rel == "" || err != nil || !strings.Contains(src, `"testing"`) {
		return "", err
	}
	if f.rng.IntN(2) == 0 {
		src += fmt.Sprintf("\nfunc TestGographEdit%d(t *testing.T) {}\n", f.step)
	} else {
		src += fmt.Sprintf("\nfunc ExampleGographEdit%d() {\n\tprintln()\n\t// Output:\n}\n", f.step)
	}
	return rel, f.write(rel, src)
}

var goDirective = regexp.MustCompile(`(?m)^go 1\.(\d+)(\.\d+)?$`)

const godebugLine = "godebug panicnil=1 // gograph-edit\n"

// goMod changes the language version every compile gets: it moves the go
// directive one minor version up and back (below go 1.25, so the
// toolchain running the test still has the language), or else adds and
// removes a godebug line (the program's default GODEBUG).
func (f *fuzzer) goMod() (string, error) {
	src, err := f.read("go.mod")
	if err != nil {
		return "", err
	}
	m := goDirective.FindStringSubmatch(src)
	if m == nil {
		return "", nil
	}
	minor, _ := strconv.Atoi(m[1])
	switch {
	case strings.Contains(src, godebugLine):
		src = strings.Replace(src, godebugLine, "", 1)
		return "go.mod -godebug", f.write("go.mod", src)
	case strings.Contains(src, "// gograph-edit up"):
		minor--
		src = strings.Replace(src, "// gograph-edit up\n", "", 1)
	case minor < 25:
		minor++
		src = "// gograph-edit up\n" + src
	default:
		return "go.mod +godebug", f.write("go.mod", src+godebugLine)
	}
	src = goDirective.ReplaceAllString(src, fmt.Sprintf("go 1.%d", minor))
	return fmt.Sprintf("go.mod go 1.%d", minor), f.write("go.mod", src)
}

// goSum moves go.sum's first line to its end: the same sums, another
// file.
func (f *fuzzer) goSum() (string, error) {
	src, err := f.read("go.sum")
	if err != nil {
		return "", nil
	}
	lines := strings.SplitAfter(src, "\n")
	if len(lines) < 3 {
		return "", nil
	}
	return "go.sum", f.write("go.sum", strings.Join(append(lines[1:len(lines)-1], lines[0]), ""))
}
