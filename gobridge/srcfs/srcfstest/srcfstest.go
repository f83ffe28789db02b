// Package srcfstest builds the source trees the tests of src readers use:
// a src directory with symlinks, some of them leaving it for an outside
// directory whose files hold a secret no error message may quote.
package srcfstest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Secret is in every file of the outside directory Tree makes.
const Secret = "SECRET-7f3a"

// outside holds the files of outside/, beside src/ (see Tree).
var outside = map[string]string{
	"secret.txt": Secret + " this first line is a secret\n",
	"dir/x.go":   "package x // " + Secret + "\n",
	"dir/.env":   "TOKEN=" + Secret + "\n",
}

// Tree makes a temporary directory holding outside/ and src/, and returns
// the absolute src. outside/ is the world beyond src, each of its files
// holding Secret: secret.txt (valid as no Go, go.mod or go.sum file, so a
// parse error would quote the secret), and dir/ with x.go and .env. src/
// holds files (path relative to src -> content) and the symlinks links
// (path relative to src -> target), their parent directories made as
// needed. A target starting with "@" is made absolute below the temporary
// directory ("@outside/dir"); any other is written as it is.
func Tree(t testing.TB, files, links map[string]string) string {
	t.Helper()
	top := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(top, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for rel, content := range outside {
		write("outside/"+rel, content)
	}
	for rel, content := range files {
		write("src/"+rel, content)
	}
	src := filepath.Join(top, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range links {
		if rest, ok := strings.CutPrefix(target, "@"); ok {
			target = filepath.Join(top, filepath.FromSlash(rest))
		}
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	return src
}
