package plan

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// This file reads the shell script `go build -n` (and `go test -c -n`)
// prints, with the grammar cmd/go writes it in (cmd/go/internal/work,
// shell.go and exec.go; the same in Go 1.22 through 1.27):
//
//   - A command it runs is printed by joinUnambiguously: words separated by
//     one space; a word that is empty, holds one of ` ()>;` or would change
//     under strconv.Quote is printed strconv.Quote'd, any other word as is.
//     `'` is an ordinary character. Environment variables come first, each
//     as NAME='value', or NAME="value" (%q) when the value holds a `'`.
//   - The command is run in a directory: when it changes, `cd DIR` is
//     printed with DIR as it is (unquoted, spaces and all), and every " DIR"
//     in the command is then printed as " ." (so a word that was DIR or
//     DIR/x reads "." or "./x").
//   - Internal steps (file writes, mkdir, cp, mv, rm, pack, buildid) are
//     printed with their arguments as they are; they only ever name $WORK
//     paths and the -o directory, except cp's source.
//   - A package's work is headed by "#\n# importpath\n#". Up to Go 1.25 the
//     header comes first and `mkdir -p $WORK/bNNN/` follows; from Go 1.26 on
//     the mkdir (and the C compiles of a cgo package) come before it.

// A statement is one command of the script, with the directory it runs in
// made explicit (the script's `cd`s are folded in).
type statement struct {
	kind    string // mkdir, write, run, probe, pack, cp, mv, skip
	dir     string // working directory (for run)
	file    string // mkdir, write: target; cp, mv: source
	content string // write: file content
	env     []string
	args    []string // run, probe: argv; pack: objects; cp, mv: [target]
	// quoted marks the run arguments cmd/go printed quoted.
	quoted []bool
	// literal marks a write whose content is not cmd/go's (a test main's
	// source): nothing in it is a path of the build.
	literal bool
}

// A section is the statements `go build -n` prints under a "# importpath"
// header: the work of one package (and, for a main package, its link).
type section struct {
	pkg    string // import path from the header
	objdir string // $WORK/bNNN made for it
	stmts  []statement
	// early: objdir was made before the header, so a test script's
	// directory made ahead of time, not this package's, may be meant
	// (Go 1.22–1.25); a mkdir right after the header wins.
	early bool
}

var (
	heredocLine = regexp.MustCompile(`^cat >(\S+) << 'EOF' # internal$`)
	echoLine    = regexp.MustCompile(`^echo '(.*)' > (\S+) # internal$`)
	echoNLine   = regexp.MustCompile(`^echo -n > (\S+) # internal$`)
	objdirLine  = regexp.MustCompile(`^mkdir -p (\$WORK/b\d+)/$`)
	// toolStep is an internal step printed as a run of a toolchain tool:
	// "go tool pack r …" (Go 1.25+) or "<GOROOT>/pkg/tool/<os_arch>/pack r …".
	toolStep = regexp.MustCompile(`^(?:go tool |\S*/pkg/tool/[a-z0-9_]+/)(pack r|buildid -w) `)
)

// parseScript splits the output of `go build -n`, run in root, into
// sections.
func parseScript(script, root string) ([]*section, error) {
	lines := strings.Split(script, "\n")
	var sections []*section
	cur := &section{}
	var pending *section // work begun under `mkdir -p $WORK/bNNN/` before its header (Go 1.26+)
	dir := root
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line == "#" && i+2 < len(lines) && strings.HasPrefix(lines[i+1], "# ") && lines[i+2] == "#" {
			cur = &section{pkg: strings.TrimPrefix(lines[i+1], "# ")}
			if pending != nil {
				cur.objdir, cur.stmts, cur.early = pending.objdir, pending.stmts, len(pending.stmts) == 0
				pending = nil
			}
			sections = append(sections, cur)
			i += 2
			continue
		}
		if line == "" || noMatch.MatchString(line) { // go list reported a pattern matching nothing (noMatches)
			continue
		}
		if m := objdirLine.FindStringSubmatch(line); m != nil {
			switch {
			case cur.pkg != "" && (cur.objdir == "" || cur.early) && len(cur.stmts) == 0:
				cur.objdir, cur.early = m[1], false // right after its header (Go 1.22–1.25)
			case pending != nil && len(pending.stmts) > 0:
				return nil, fmt.Errorf("plan: go build -n line %d: work in %s has no package header", i+1, pending.objdir)
			default:
				pending = &section{objdir: m[1]}
			}
			continue
		}
		st, consumed, err := parseStatement(lines, i, root, &dir)
		if err != nil {
			return nil, fmt.Errorf("plan: go build -n line %d: %w", i+1, err)
		}
		i += consumed
		switch {
		case st.kind == "skip":
		case pending != nil:
			pending.stmts = append(pending.stmts, st)
		default:
			cur.stmts = append(cur.stmts, st)
		}
	}
	if pending != nil && len(pending.stmts) > 0 {
		return nil, fmt.Errorf("plan: go build -n: work in %s has no package header", pending.objdir)
	}
	for _, s := range sections {
		if s.objdir == "" {
			s.objdir = inferObjdir(s.stmts)
		}
	}
	return sections, nil
}

var objdirPrefix = regexp.MustCompile(`^\$WORK/b\d+/`)

// inferObjdir finds a section's work directory from the files it writes
// when go did not make it next to the header (test scripts make some work
// directories early).
func inferObjdir(stmts []statement) string {
	for _, st := range stmts {
		if st.kind == "write" {
			if m := objdirPrefix.FindString(st.file); m != "" {
				return strings.TrimSuffix(m, "/")
			}
		}
	}
	return ""
}

// parseStatement parses the statement starting at lines[i]; consumed is the
// number of extra lines it spans. *dir tracks the script's cd's; relative
// directories are relative to root, where go ran.
func parseStatement(lines []string, i int, root string, dir *string) (st statement, consumed int, err error) {
	line := lines[i]
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
		return statement{kind: "skip"}, 0, nil
	case strings.HasPrefix(line, "cd "):
		*dir = joinDir(root, strings.TrimPrefix(line, "cd "))
		return statement{kind: "skip"}, 0, nil
	case strings.HasPrefix(line, "mkdir -p "):
		return statement{kind: "mkdir", file: strings.TrimPrefix(line, "mkdir -p ")}, 0, nil
	case heredocLine.MatchString(line):
		file := heredocLine.FindStringSubmatch(line)[1]
		// cmd/go prints the content and then "EOF" right after it, so content
		// without a final newline ends on the terminator's line ("}EOF").
		var b strings.Builder
		for j := i + 1; j < len(lines); j++ {
			if last, ok := strings.CutSuffix(lines[j], "EOF"); ok {
				b.WriteString(last)
				return statement{kind: "write", file: file, content: b.String()}, j - i, nil
			}
			b.WriteString(lines[j])
			b.WriteByte('\n')
		}
		return st, 0, fmt.Errorf("unterminated here-document for %s", file)
	case echoNLine.MatchString(line):
		return statement{kind: "write", file: echoNLine.FindStringSubmatch(line)[1]}, 0, nil
	case echoLine.MatchString(line):
		m := echoLine.FindStringSubmatch(line)
		return statement{kind: "write", file: m[2], content: m[1] + "\n"}, 0, nil
	case strings.HasSuffix(line, " # internal") && toolStep.MatchString(line):
		words, _, err := splitWords(strings.TrimSuffix(line, " # internal"))
		if err != nil {
			return st, 0, err
		}
		if sub := toolStep.FindStringSubmatch(line)[1]; sub == "buildid -w" {
			return statement{kind: "skip"}, 0, nil // build IDs are empty (-buildid=)
		}
		at := 2 // "<tool>/pack" "r"
		if words[0] == "go" {
			at = 4 // "go" "tool" "pack" "r"
		}
		if len(words) <= at {
			return st, 0, fmt.Errorf("pack without an archive: %q", line)
		}
		return statement{kind: "pack", file: joinDir(*dir, words[at]), args: absAll(*dir, words[at+1:])}, 0, nil
	case strings.HasPrefix(line, "rm -rf "):
		return statement{kind: "skip"}, 0, nil // scratch space is the builder's
	case strings.HasPrefix(line, "mv "):
		// "mv %s %s": a $WORK path (no spaces) to the -o directory.
		from, to, ok := strings.Cut(strings.TrimPrefix(line, "mv "), " ")
		if !ok || !strings.HasPrefix(from, "$WORK/") {
			return st, 0, fmt.Errorf("unsupported mv %q", line)
		}
		return statement{kind: "mv", file: from, args: []string{to}}, 0, nil
	case strings.HasPrefix(line, "cp "):
		// "cp %s %s": any source (a header of the toolchain's, spaces and
		// all) to a $WORK path, which has no spaces.
		rest := strings.TrimPrefix(line, "cp ")
		at := strings.LastIndex(rest, " ")
		if at < 0 || !strings.HasPrefix(rest[at+1:], "$WORK/") {
			return st, 0, fmt.Errorf("unsupported cp %q", line)
		}
		return statement{kind: "cp", file: joinDir(*dir, rest[:at]), args: []string{rest[at+1:]}}, 0, nil
	case strings.HasPrefix(line, "pkg-config --cflags ") || strings.HasPrefix(line, "pkg-config --libs "):
		// Printed, not run, under -n: the planner runs it (pkgconfig.go).
		return statement{kind: "skip"}, 0, nil
	case strings.HasSuffix(line, " # test for internal linking errors (succeeded)"):
		// A repeat of the cgo link just before it, only checking it works.
		return statement{kind: "skip"}, 0, nil
	}
	// cmd/go asks whether the C compiler takes a flag ("… || true"); under
	// -n it assumes not, so the planner runs these probes itself (cgo.go).
	line, probe := strings.CutSuffix(line, " || true")
	words, quoted, err := splitWords(line)
	if err != nil {
		return st, 0, err
	}
	env, args := splitEnv(words)
	quoted = quoted[len(env):]
	if len(args) == 0 || !path.IsAbs(args[0]) {
		return st, 0, fmt.Errorf("unsupported command %q", line)
	}
	if probe {
		return statement{kind: "probe", dir: *dir, args: args}, 0, nil
	}
	return statement{kind: "run", dir: *dir, env: env, args: args, quoted: quoted}, 0, nil
}

func joinDir(dir, p string) string {
	if path.IsAbs(p) || strings.HasPrefix(p, "$WORK") {
		return p
	}
	return path.Join(dir, p)
}

func absAll(dir string, ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = joinDir(dir, p)
	}
	return out
}

var envWord = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// splitEnv separates the leading NAME=value words from the command.
func splitEnv(words []string) (env, args []string) {
	i := 0
	for i < len(words) && envWord.MatchString(words[i]) {
		i++
	}
	return words[:i], words[i:]
}

// splitWords splits a command line as cmd/go printed it (see the top of
// this file): leading NAME='value' / NAME="value" words, then words that
// are either bare or a Go string literal. quoted[i] reports whether word i
// was printed quoted.
func splitWords(line string) (words []string, quoted []bool, err error) {
	i := 0
	inEnv := true
	for i < len(line) {
		if line[i] == ' ' {
			if i == 0 || line[i-1] == ' ' {
				return nil, nil, fmt.Errorf("two spaces at %d in %q", i, line)
			}
			i++
			continue
		}
		if inEnv {
			if m := envWord.FindString(line[i:]); m != "" && i+len(m) < len(line) && (line[i+len(m)] == '\'' || line[i+len(m)] == '"') {
				value, n, err := envValue(line[i+len(m):])
				if err != nil {
					return nil, nil, fmt.Errorf("%w in %q", err, line)
				}
				words, quoted = append(words, m+value), append(quoted, true)
				i += len(m) + n
				if i < len(line) && line[i] != ' ' {
					return nil, nil, fmt.Errorf("junk after %s in %q", m, line)
				}
				continue
			}
			inEnv = false
		}
		if line[i] == '"' {
			n, err := quotedLen(line[i:])
			if err != nil {
				return nil, nil, fmt.Errorf("%w in %q", err, line)
			}
			s, err := strconv.Unquote(line[i : i+n])
			if err != nil {
				return nil, nil, fmt.Errorf("bad quoted word %s in %q: %w", line[i:i+n], line, err)
			}
			words, quoted = append(words, s), append(quoted, true)
			i += n
			if i < len(line) && line[i] != ' ' {
				return nil, nil, fmt.Errorf("junk after a quoted word in %q", line)
			}
			continue
		}
		end := strings.IndexByte(line[i:], ' ')
		if end < 0 {
			end = len(line) - i
		}
		words, quoted = append(words, line[i:i+end]), append(quoted, false)
		i += end
	}
	return words, quoted, nil
}

// envValue reads an environment value as runOut prints it: '…' (taken as
// it is; it holds no ') or a Go string literal.
func envValue(s string) (value string, n int, err error) {
	if s[0] == '\'' {
		end := strings.IndexByte(s[1:], '\'')
		if end < 0 {
			return "", 0, fmt.Errorf("unterminated '")
		}
		return s[1 : 1+end], end + 2, nil
	}
	n, err = quotedLen(s)
	if err != nil {
		return "", 0, err
	}
	value, err = strconv.Unquote(s[:n])
	return value, n, err
}

// quotedLen is the length of the Go string literal s starts with.
func quotedLen(s string) (int, error) {
	for j := 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated \"")
}
