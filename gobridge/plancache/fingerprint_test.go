package plancache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// base is a module with a cgo file, a test, an embed and other files.
var base = map[string]string{
	"go.mod": "module example.com/m\n\ngo 1.22\n",
	"go.sum": "example.com/x v1.0.0 h1:abc=\n",
	"main.go": "//go:build linux\n\n// Package main is it.\npackage main\n\nimport (\n\t_ \"embed\"\n\t\"fmt\"\n\n\t\"example.com/m/lib\"\n)\n\n" +
		"//go:embed data.txt\nvar data string\n\nfunc main() { fmt.Println(lib.X, data) }\n\n/*\n//go:embed README.md\nvar readme string\n*/\n",
	"cfg/gomod":          "module example.com/m\n\ngo 1.22\n",
	"data.txt":           "data\n",
	"lib/lib.go":         "package lib\n\nimport \"strings\"\n\n// X is x.\nvar X = strings.ToUpper(\"x\")\n\nfunc f() int { return 1 }\n",
	"lib/lib_test.go":    "package lib\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) { _ = f() }\n",
	"cg/cg.go":           "package cg\n\n// #include <stdio.h>\nimport \"C\"\n\nfunc g() int { return 2 }\n",
	"asm/a.s":            "TEXT ·a(SB),0,$0\n",
	"README.md":          "readme\n",
	".git/HEAD":          "ref: refs/heads/main\n",
	"vendor/modules.txt": "# example.com/x v1.0.0\n",
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

func TestFingerprint(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(t *testing.T, dir string)
		changed bool
	}{
		{"nothing", func(*testing.T, string) {}, false},
		{"a function body", replace("lib/lib.go", "return 1", "return 2"), false},
		{"a new function", appendTo("lib/lib.go", "\nfunc h() {}\n"), false},
		{"an initializer after the imports", replace("lib/lib.go", `ToUpper("x")`, `ToLower("x")`), false},
		{"an embedded file's content", appendTo("data.txt", "more\n"), false},
		{"another file's content", appendTo("README.md", "more\n"), false},
		{"version control", appendTo(".git/HEAD", "x\n"), false},
		{"an import", replace("lib/lib.go", `import "strings"`, "import (\n\t\"strings\"\n\t_ \"os\"\n)"), true},
		{"a package clause", replace("lib/lib.go", "package lib", "package lib2"), true},
		{"a build constraint", replace("main.go", "//go:build linux", "//go:build darwin"), true},
		{"a go:embed line", replace("main.go", "//go:embed data.txt", "//go:embed README.md"), true},
		{"a cgo file's body", replace("cg/cg.go", "return 2", "return 3"), true},
		{"a test file's body", appendTo("lib/lib_test.go", "\nfunc TestG(t *testing.T) {}\n"), true},
		{"an assembly file", appendTo("asm/a.s", "\n"), true},
		{"go.mod", appendTo("go.mod", "\n"), true},
		{"go.sum", appendTo("go.sum", "example.com/y v1.0.0 h1:def=\n"), true},
		{"vendor/modules.txt", appendTo("vendor/modules.txt", "## explicit\n"), true},
		{"a file added", appendTo("NOTES", "x"), true},
		{"a file removed", remove("README.md"), true},
		{"a directory added", func(t *testing.T, dir string) { require.NoError(t, os.Mkdir(filepath.Join(dir, "d"), 0o755)) }, true},
		{"a symlink", func(t *testing.T, dir string) { require.NoError(t, os.Symlink("README.md", filepath.Join(dir, "l"))) }, true},
		{"an embed commented out", replace("main.go", "/*\n//go:embed README.md\nvar readme string\n*/", "//go:embed README.md\nvar readme string"), true},
		{"a symlink added", func(t *testing.T, dir string) {
			require.NoError(t, os.Symlink("cfg/gomod", filepath.Join(dir, "sub.mod")))
		}, true},
		{"a symlink leaving src, another target", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "result")))
			require.NoError(t, os.Symlink("/nix/store/other", filepath.Join(dir, "result")))
		}, false},
		{"a syntax error in the header", replace("lib/lib.go", "package lib", "package lib;;("), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := t.TempDir(), t.TempDir()
			for _, dir := range []string{a, b} {
				writeFiles(t, dir, base)
				require.NoError(t, os.Symlink("/nix/store/result", filepath.Join(dir, "result")))
			}
			tt.edit(t, b)
			fa, err := Fingerprint(a)
			require.NoError(t, err)
			fb, err := Fingerprint(b)
			require.NoError(t, err)
			assert.Equal(t, tt.changed, fa != fb)
		})
	}
}

// TestFingerprintLinkedFile: a symlink inside src counts the content of
// the file it leads to, by the link's own name (go.mod -> cfg/gomod).
func TestFingerprintLinkedFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, base)
	require.NoError(t, os.Remove(filepath.Join(dir, "go.mod")))
	require.NoError(t, os.Symlink("cfg/gomod", filepath.Join(dir, "go.mod")))
	before, err := Fingerprint(dir)
	require.NoError(t, err)
	replace("cfg/gomod", "go 1.22", "go 1.23")(t, dir)
	after, err := Fingerprint(dir)
	require.NoError(t, err)
	assert.NotEqual(t, before, after)
}

func TestFingerprintSymlinkTarget(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	require.NoError(t, os.Symlink("x", filepath.Join(a, "l")))
	require.NoError(t, os.Symlink("y", filepath.Join(b, "l")))
	fa, err := Fingerprint(a)
	require.NoError(t, err)
	fb, err := Fingerprint(b)
	require.NoError(t, err)
	assert.NotEqual(t, fa, fb)
}

// TestFingerprintSymlinkedSrc: src that is a symlink is fingerprinted by
// what it leads to.
func TestFingerprintSymlinkedSrc(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, base)
	link := filepath.Join(t.TempDir(), "src")
	require.NoError(t, os.Symlink(dir, link))
	before, err := Fingerprint(link)
	require.NoError(t, err)
	direct, err := Fingerprint(dir)
	require.NoError(t, err)
	assert.Equal(t, direct, before)
	replace("lib/lib.go", `import "strings"`, `import "os"`)(t, dir)
	after, err := Fingerprint(link)
	require.NoError(t, err)
	assert.NotEqual(t, before, after)
}

func TestPlanPart(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"imports then body", "package p\n\nimport \"os\"\n\nfunc f() {}\n", "package p\n\nimport \"os\"\n\n"},
		{"grouped named imports", "package p\n\nimport (\n\tx \"os\"\n\t. \"io\"\n)\nvar v = 1\n", "package p\n\nimport (\n\tx \"os\"\n\t. \"io\"\n)\n"},
		{"no imports", "// doc\npackage p\ntype T int\n", "// doc\npackage p\n"},
		{"embed: all of it", "package p\nimport _ \"embed\"\nconst c = 1\n//go:embed a b\nvar s string\n", "package p\nimport _ \"embed\"\nconst c = 1\n//go:embed a b\nvar s string\n"},
		{"cgo: all of it", "package p\n// int x;\nimport \"C\"\nfunc f() {}\n", "package p\n// int x;\nimport \"C\"\nfunc f() {}\n"},
		{"scan error: all of it", "package p\nimport \"os\nfunc f() {}\n", "package p\nimport \"os\nfunc f() {}\n"},
		{"only a header", "package p\n", "package p\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, string(planPart([]byte(tt.src))))
		})
	}
}

func replace(file, old, new string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		require.Contains(t, string(data), old)
		require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
	}
}

func appendTo(file, text string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		f, err := os.OpenFile(filepath.Join(dir, file), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		require.NoError(t, err)
		_, err = f.WriteString(text)
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
}

func remove(file string) func(*testing.T, string) {
	return func(t *testing.T, dir string) { require.NoError(t, os.Remove(filepath.Join(dir, file))) }
}
