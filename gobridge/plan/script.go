package plan

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// A statement is one command of the shell script `go build -n` prints, with
// the directory it runs in made explicit (the script's `cd`s are folded in).
type statement struct {
	kind    string // mkdir, write, run, probe, pack, cp, mv, skip
	dir     string // working directory (for run)
	file    string // mkdir, write: target; cp, mv: source
	content string // write: file content
	env     []string
	args    []string // run, probe: argv; pack: objects; cp, mv: [target]
}

// A section is the statements `go build -n` prints under a "# importpath"
// header: the work of one package (and, for a main package, its link).
type section struct {
	pkg    string // import path from the header
	objdir string // $WORK/bNNN made just before the header
	stmts  []statement
}

var (
	heredocLine = regexp.MustCompile(`^cat >(\S+) << 'EOF' # internal$`)
	echoLine    = regexp.MustCompile(`^echo '(.*)' > (\S+) # internal$`)
	echoNLine   = regexp.MustCompile(`^echo -n > (\S+) # internal$`)
	objdirLine  = regexp.MustCompile(`^mkdir -p (\$WORK/b\d+)/$`)
)

// parseScript splits the output of `go build -n`, run in dir, into sections.
//
// A package's work starts with `mkdir -p $WORK/bNNN/`; its header usually
// follows at once, but some steps (the cgo tool, for one) are printed
// between the two, and belong to the package whose header comes next.
func parseScript(script, dir string) ([]*section, error) {
	lines := strings.Split(script, "\n")
	var sections []*section
	cur := &section{}
	var opened *section // work begun under `mkdir -p $WORK/bNNN/`, header not yet seen
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line == "#" && i+2 < len(lines) && strings.HasPrefix(lines[i+1], "# ") && lines[i+2] == "#" {
			cur = &section{pkg: strings.TrimPrefix(lines[i+1], "# ")}
			if opened != nil {
				cur.objdir, cur.stmts = opened.objdir, opened.stmts
				opened = nil
			}
			sections = append(sections, cur)
			i += 2
			continue
		}
		if line == "" {
			continue
		}
		if m := objdirLine.FindStringSubmatch(line); m != nil {
			// A package's work directory: the builder makes its own.
			if opened != nil && len(opened.stmts) > 0 {
				return nil, fmt.Errorf("plan: go build -n: work in %s has no package header", opened.objdir)
			}
			opened = &section{objdir: m[1]}
			continue
		}
		st, consumed, err := parseStatement(lines, i, &dir)
		if err != nil {
			return nil, fmt.Errorf("plan: go build -n line %d: %w", i+1, err)
		}
		i += consumed
		switch {
		case st.kind == "skip":
		case opened != nil:
			opened.stmts = append(opened.stmts, st)
		default:
			cur.stmts = append(cur.stmts, st)
		}
	}
	if opened != nil && len(opened.stmts) > 0 {
		return nil, fmt.Errorf("plan: go build -n: work in %s has no package header", opened.objdir)
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
// when go did not make it right before the header (test scripts make some
// work directories early).
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
// number of extra lines it spans. *dir tracks the script's cd's.
func parseStatement(lines []string, i int, dir *string) (st statement, consumed int, err error) {
	line := lines[i]
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
		return statement{kind: "skip"}, 0, nil
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
	case strings.HasSuffix(line, " # test for internal linking errors (succeeded)"):
		// A repeat of the cgo link just before it, only checking it works.
		return statement{kind: "skip"}, 0, nil
	case strings.HasPrefix(line, "go tool buildid -w "), strings.HasPrefix(line, "rm -rf "):
		// Build IDs are empty (-buildid=) and scratch space is the builder's.
		return statement{kind: "skip"}, 0, nil
	}
	// cmd/go asks whether the C compiler takes a flag ("… || true"); under
	// -n it assumes not, so the planner runs these probes itself (cgo.go).
	line, probe := strings.CutSuffix(line, " || true")
	words, err := splitWords(strings.TrimSuffix(line, " # internal"))
	if err != nil {
		return st, 0, err
	}
	if probe {
		return statement{kind: "probe", dir: *dir, args: words}, 0, nil
	}
	switch {
	case len(words) == 2 && words[0] == "cd":
		*dir = joinDir(*dir, words[1])
		return statement{kind: "skip"}, 0, nil
	case len(words) == 3 && words[0] == "mkdir" && words[1] == "-p":
		return statement{kind: "mkdir", file: words[2]}, 0, nil
	case len(words) == 3 && words[0] == "cp":
		return statement{kind: "cp", file: joinDir(*dir, words[1]), args: absAll(*dir, words[2:])}, 0, nil
	case len(words) == 3 && words[0] == "mv":
		return statement{kind: "mv", file: words[1], args: words[2:]}, 0, nil
	case len(words) >= 5 && words[0] == "go" && words[1] == "tool" && words[2] == "pack" && words[3] == "r":
		return statement{kind: "pack", file: joinDir(*dir, words[4]), args: absAll(*dir, words[5:])}, 0, nil
	case len(words) >= 1 && words[0] == "go":
		return st, 0, fmt.Errorf("unsupported internal step %q", line)
	}
	env, args := splitEnv(words)
	if len(args) == 0 || !path.IsAbs(args[0]) {
		return st, 0, fmt.Errorf("unsupported command %q", line)
	}
	return statement{kind: "run", dir: *dir, env: env, args: args}, 0, nil
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

// splitEnv separates leading NAME=value words from the command.
func splitEnv(words []string) (env, args []string) {
	i := 0
	for i < len(words) && envWord.MatchString(words[i]) {
		i++
	}
	return words[:i], words[i:]
}

// splitWords splits a command line the way cmd/go printed it: words are
// separated by spaces and made of bare characters, '…' (literal) and "…"
// (Go-quoted, strconv.Quote) parts.
func splitWords(line string) ([]string, error) {
	var words []string
	i := 0
	for i < len(line) {
		if line[i] == ' ' {
			i++
			continue
		}
		var w strings.Builder
		for i < len(line) && line[i] != ' ' {
			switch line[i] {
			case '\'':
				end := strings.IndexByte(line[i+1:], '\'')
				if end < 0 {
					return nil, fmt.Errorf("unterminated ' in %q", line)
				}
				w.WriteString(line[i+1 : i+1+end])
				i += end + 2
			case '"':
				end := i + 1
				for end < len(line) && line[end] != '"' {
					if line[end] == '\\' {
						end++
					}
					end++
				}
				if end >= len(line) {
					return nil, fmt.Errorf("unterminated \" in %q", line)
				}
				s, err := strconv.Unquote(line[i : end+1])
				if err != nil {
					return nil, fmt.Errorf("bad quoted word in %q: %w", line, err)
				}
				w.WriteString(s)
				i = end + 1
			default:
				w.WriteByte(line[i])
				i++
			}
		}
		words = append(words, w.String())
	}
	return words, nil
}
