package plan

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// The flags a user gives (-ldflags, -gcflags, -asmflags) reach the tools
// as they are: cmd/go splits them (SplitPackageFlag) and puts them at a
// fixed place among its own flags. `go build -n` prints them like any
// argument, so a path-like string in them ("$WORK/x", the module root)
// cannot be told from a path cmd/go wrote by reading the text. The planner
// therefore finds each tool's block of user flags by its place, checks it
// is what the user gave, and takes the user's strings from the
// configuration, literally; only the arguments around it are rewritten as
// paths (template).

// A userFlag is one of -ldflags, -gcflags, -asmflags as cmd/go reads it.
type userFlag struct {
	name  string   // "ldflags", …
	args  []string // split as cmd/go splits them
	valid bool     // the value splits (CheckFlags reports it otherwise)
}

// userFlagsOf reads cfg's flag lists by tool: link, compile, asm.
func userFlagsOf(cfg *Config) map[string]userFlag {
	flags := map[string]userFlag{}
	for _, f := range []struct {
		tool, name string
		list       []string
	}{{"link", "ldflags", cfg.Ldflags}, {"compile", "gcflags", cfg.Gcflags}, {"asm", "asmflags", cfg.Asmflags}} {
		_, args, err := SplitPackageFlag(joinFlags(f.list))
		flags[f.tool] = userFlag{name: f.name, args: args, valid: err == nil}
	}
	return flags
}

// userFlags locates the user's flags in the compile, asm or link command
// st: args[lo:hi] are printed forms of user, the user's own strings. Other
// commands have none (lo == hi == 0). A block that is not where cmd/go puts
// it, or not what the user gave, is an error: the plan would not be exact.
func (u *unitBuilder) userFlags(st statement) (lo, hi int, user []string, err error) {
	args := st.args
	tool := path.Base(args[0])
	f, ok := u.flags[tool]
	if !ok || !f.valid {
		return 0, 0, nil, nil
	}
	var regions [][2]int
	switch tool {
	case "link":
		// … -buildmode=exe [-buildid=ID] [forced] USER [-X testing.testBinary=1] [-extld=CC] main.a
		// (a test binary's link has the -X of cmd/go/internal/load/test.go)
		end := len(args) - 1
		if end > 0 && strings.HasPrefix(args[end-1], "-extld=") {
			regions = append(regions, [2]int{end - 1 - len(f.args), end - 1})
			end--
		}
		regions = append(regions, [2]int{end - len(f.args), end})
		if end > 1 && args[end-2] == "-X" && args[end-1] == "testing.testBinary=1" {
			regions = append(regions, [2]int{end - 2 - len(f.args), end - 2})
		}
		regions = append(regions, [2]int{len(args) - 1 - len(f.args), len(args) - 1})
	case "compile":
		// compile -o F -trimpath T <defaults> USER -nolocalimports|-D|-importcfg …
		// The user's words come right after some run of cmd/go's defaults
		// (which the user may repeat, "-c=1"): try each place.
		at := slices.Index(args, "-trimpath") + 2
		if at < 2 {
			break
		}
		for {
			if r := [2]int{at, at + len(f.args)}; r[1] <= len(args) && u.printedAs(args[r[0]:r[1]], f.args, st.dir) &&
				(r[1] == len(args) || compileAfterUser[args[r[1]]]) {
				return r[0], r[1], f.args, nil
			}
			n := compileDefault(args[at])
			if n == 0 {
				break
			}
			at += n
		}
		if at < len(args) && compileAfterUser[args[at]] {
			return 0, 0, nil, nil // a package the flags do not apply to
		}
	case "asm":
		// asm -p P -trimpath T -I D -I D -D GOOS_x -D GOARCH_y USER [-D=…|-std|-D …|-gensymabis|-o …]
		at := slices.IndexFunc(args, func(a string) bool { return strings.HasPrefix(a, "GOARCH_") }) + 1
		if at < 1 {
			break
		}
		if r := [2]int{at, at + len(f.args)}; r[1] <= len(args) && u.printedAs(args[r[0]:r[1]], f.args, st.dir) {
			return r[0], r[1], f.args, nil
		}
		if at < len(args) && (args[at] == "-std" || args[at] == "-D" || strings.HasPrefix(args[at], "-D=") ||
			args[at] == "-gensymabis" || args[at] == "-o") {
			return 0, 0, nil, nil // a package the flags do not apply to
		}
	}
	for _, r := range regions {
		if r[0] >= 1 && r[1] <= len(args) && u.printedAs(args[r[0]:r[1]], f.args, st.dir) {
			return r[0], r[1], f.args, nil
		}
	}
	if len(f.args) == 0 {
		return 0, 0, nil, nil
	}
	return 0, 0, nil, &Error{Kind: KindGoBuild, Argument: f.name,
		Message: fmt.Sprintf("go build -n's %s command does not show the %s %q where cmd/go puts them: cannot plan it exactly",
			tool, f.name, f.args)}
}

// printedAs reports whether the words block are how cmd/go prints the
// arguments want for a command run in dir (ShowCmd prints " "+dir as " .").
func (u *unitBuilder) printedAs(block, want []string, dir string) bool {
	if len(block) != len(want) {
		return false
	}
	for i, w := range want {
		if block[i] != w && block[i] != strings.ReplaceAll(" "+w, " "+dir, " .")[1:] {
			return false
		}
	}
	return true
}

// compileAfterUser are the words cmd/go puts right after a compile's
// gcflags (cmd/go/internal/work/gc.go).
var compileAfterUser = map[string]bool{"-nolocalimports": true, "-D": true, "-importcfg": true,
	"-embedcfg": true, "-pack": true, "-asmhdr": true}

// compileDefault is the number of words of one of the flags cmd/go gives
// every compile ahead of the user's gcflags (cmd/go/internal/work/gc.go),
// 0 if a is none of them.
func compileDefault(a string) int {
	switch a {
	case "-p", "-installsuffix", "-buildid", "-goversion", "-symabis":
		return 2
	case "-std", "-complete", "-dwarf=false":
		return 1
	}
	for _, prefix := range []string{"-lang=", "-coveragecfg=", "-pgoprofile=", "-c="} {
		if strings.HasPrefix(a, prefix) {
			return 1
		}
	}
	return 0
}
