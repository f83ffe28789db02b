// Package builder runs one nix-gograph Action inside the Nix sandbox: it is
// the whole of what a per-package or link derivation does.
package builder

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
)

// Run performs a with work as $WORK and outputs as the derivation's output
// directories by name ("out" at least), writing tool output to log. Errors
// name the package and the step that failed.
func Run(a *action.Action, work string, outputs map[string]string, log io.Writer) error {
	r := &runner{a: a, work: work, outputs: outputs, log: log}
	for _, src := range a.Sources {
		if err := copyTree(src.StorePath, r.expand(src.Dir)); err != nil {
			return r.fail("copying sources", err)
		}
	}
	for i := range a.Steps {
		if err := r.step(&a.Steps[i]); err != nil {
			return err
		}
	}
	return nil
}

type runner struct {
	a       *action.Action
	work    string
	outputs map[string]string
	log     io.Writer
}

// expand fills in the template s (action.Literal): "$WORK" is the scratch
// directory, "$$" a "$"; any other "$" stands for itself.
func (r *runner) expand(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "$$"):
			b.WriteByte('$')
			i++
		case strings.HasPrefix(s[i:], action.WorkVar):
			b.WriteString(r.work)
			i += len(action.WorkVar) - 1
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func (r *runner) expandAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = r.expand(s)
	}
	return out
}

func (r *runner) fail(what string, err error) error {
	return fmt.Errorf("%s %s: %s: %w", r.a.Mode, r.a.Package, what, err)
}

func (r *runner) step(s *action.Step) error {
	switch {
	case s.Mkdir != "":
		if err := os.MkdirAll(r.expand(s.Mkdir), 0o755); err != nil {
			return r.fail("mkdir", err)
		}
	case s.Write != nil:
		file := r.expand(s.Write.File)
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return r.fail("write", err)
		}
		if err := os.WriteFile(file, []byte(r.expand(s.Write.Content)), 0o666); err != nil {
			return r.fail("write", err)
		}
	case s.Run != nil:
		return r.run(s.Run)
	case s.Pack != nil:
		if err := pack(r.expand(s.Pack.Archive), r.expandAll(s.Pack.Objects)); err != nil {
			return r.fail("pack", err)
		}
	case s.Copy != nil:
		if err := copyFile(r.expand(s.Copy.From), r.expand(s.Copy.To), 0o644); err != nil {
			return r.fail("copy", err)
		}
	case s.Install != nil:
		return r.install(s.Install)
	default:
		return r.fail("step", fmt.Errorf("empty step"))
	}
	return nil
}

func (r *runner) run(run *action.Run) error {
	args := r.expandAll(run.Args)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = r.expand(run.Dir)
	if strings.HasPrefix(run.Dir, action.WorkVar) {
		// The script's working directory may be the module root even for
		// packages that have no sources there (the standard library).
		if err := os.MkdirAll(cmd.Dir, 0o755); err != nil {
			return r.fail("mkdir", err)
		}
	}
	cmd.Env = append(r.expandAll(r.a.Env), r.expandAll(run.Env)...)
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	err := cmd.Run()
	if output.Len() > 0 {
		fmt.Fprintf(r.log, "# %s\n%s", r.a.Package, output.Bytes())
	}
	if err != nil {
		return r.fail(filepath.Base(args[0]), err)
	}
	return nil
}

func (r *runner) install(in *action.Install) error {
	name := in.Output
	if name == "" {
		name = "out"
	}
	out, ok := r.outputs[name]
	if !ok {
		return r.fail("install", fmt.Errorf("the derivation has no output %q", name))
	}
	to := filepath.Join(out, in.To)
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return r.fail("install", err)
	}
	mode := os.FileMode(0o444)
	if in.Executable {
		mode = 0o555
	}
	if err := copyFile(r.expand(in.From), to, mode); err != nil {
		return r.fail("install", err)
	}
	return nil
}

// copyTree copies the regular files under from into to, making directories
// as needed; files become writable so tools may touch them like a checkout.
func copyTree(from, to string) error {
	return filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		switch {
		case info.IsDir():
			return os.MkdirAll(dst, 0o755)
		case info.Mode().IsRegular():
			return copyFile(p, dst, info.Mode().Perm()|0o200)
		default:
			return fmt.Errorf("%s: not a regular file", p)
		}
	})
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
