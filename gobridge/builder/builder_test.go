package builder

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/action"
)

func TestPackAppendsObjectsLikeCmdGo(t *testing.T) {
	dir := t.TempDir()
	archive := filepath.Join(dir, "_pkg_.a")
	require.NoError(t, os.WriteFile(archive, []byte("!<arch>\n"), 0o644))
	odd := filepath.Join(dir, "odd.o")
	long := filepath.Join(dir, "a_very_long_object_name.o")
	require.NoError(t, os.WriteFile(odd, []byte("abc"), 0o644))
	require.NoError(t, os.WriteFile(long, []byte("ab"), 0o644))

	require.NoError(t, pack(archive, []string{odd, long}))
	got, err := os.ReadFile(archive)
	require.NoError(t, err)
	want := "!<arch>\n" +
		"odd.o           0           0     0     644     3         `\nabc\x00" +
		"a_very_long_obje0           0     0     644     2         `\nab"
	assert.Equal(t, want, string(got))
}

func TestRunStepsAndInstall(t *testing.T) {
	work, out, export := t.TempDir(), t.TempDir(), t.TempDir()
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "in.txt"), []byte("source"), 0o444))
	a := &action.Action{
		Package: "example.com/p", Mode: "compile",
		Sources: []action.Source{{Dir: "$WORK/src/p", StorePath: src}},
		Steps: []action.Step{
			{Mkdir: "$WORK/obj"},
			{Write: &action.Write{File: "$WORK/obj/cfg", Content: "work=$WORK\n"}},
			{Copy: &action.Copy{From: "$WORK/src/p/in.txt", To: "$WORK/obj/copy.txt"}},
			{Install: &action.Install{From: "$WORK/obj/cfg", To: "pkg.a"}},
			{Install: &action.Install{From: "$WORK/obj/copy.txt", To: "bin/tool", Executable: true}},
			{Install: &action.Install{From: "$WORK/obj/copy.txt", To: "pkg.a", Output: action.ExportOutput}},
		},
	}
	var log bytes.Buffer
	require.NoError(t, Run(a, work, map[string]string{"out": out, "export": export}, &log))
	exported, err := os.ReadFile(filepath.Join(export, "pkg.a"))
	require.NoError(t, err)
	assert.Equal(t, "source", string(exported))
	cfg, err := os.ReadFile(filepath.Join(out, "pkg.a"))
	require.NoError(t, err)
	assert.Equal(t, "work="+work+"\n", string(cfg))
	fi, err := os.Stat(filepath.Join(out, "bin/tool"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o555), fi.Mode().Perm())
}

func TestRunFailureNamesPackageAndShowsOutput(t *testing.T) {
	a := &action.Action{Package: "example.com/broken", Mode: "compile", Steps: []action.Step{
		{Run: &action.Run{Dir: "$WORK", Args: []string{"/bin/sh", "-c", "echo 'x.go:1: syntax error' >&2; exit 2"}}},
	}}
	var log bytes.Buffer
	err := Run(a, t.TempDir(), map[string]string{"out": t.TempDir()}, &log)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "compile example.com/broken")
	assert.True(t, strings.HasPrefix(log.String(), "# example.com/broken\n"), log.String())
	assert.Contains(t, log.String(), "syntax error")
}

func TestExpandTemplates(t *testing.T) {
	r := &runner{work: "/build/w"}
	tests := []struct{ in, want string }{
		{"$WORK/obj/_pkg_.a", "/build/w/obj/_pkg_.a"},
		{action.Literal("main.v=$WORK/x"), "main.v=$WORK/x"},
		{action.Literal("a$$b$"), "a$$b$"},
		{"-trimpath=$WORK/src=>" + action.Literal("x$y"), "-trimpath=/build/w/src=>x$y"},
		{"GOROOT_FINAL=$GOROOT", "GOROOT_FINAL=$GOROOT"},
		{"plain", "plain"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, r.expand(tt.in), tt.in)
	}
}
