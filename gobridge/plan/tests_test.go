package plan

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadTestMains: a test main is read only if it is a regular file in
// the scratch directory, whatever path go reports: neither ".." nor a
// symlink (which go, writing the scratch directory, may make) reaches a
// file outside, and a FIFO does not block.
func TestReadTestMains(t *testing.T) {
	scratch := filepath.Join(t.TempDir(), "work")
	cache := filepath.Join(scratch, "cache", "b1")
	require.NoError(t, os.MkdirAll(cache, 0o700))
	secret := filepath.Join(t.TempDir(), "id_rsa")
	require.NoError(t, os.WriteFile(secret, []byte("PRIVATE KEY"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(cache, "_testmain.go"), []byte("package main\n"), 0o600))
	require.NoError(t, os.Symlink(secret, filepath.Join(cache, "link.go")))
	require.NoError(t, os.Symlink(filepath.Dir(secret), filepath.Join(cache, "dirlink")))
	_, err := os.Stat(filepath.Join(cache, "dirlink", "id_rsa"))
	require.NoError(t, err)
	require.NoError(t, syscall.Mkfifo(filepath.Join(cache, "fifo.go"), 0o600))
	rel, err := filepath.Rel(scratch, secret)
	require.NoError(t, err)
	_, err = os.Stat(scratch + "/" + rel)
	require.NoError(t, err)

	mainOf := func(file string) *Package {
		return &Package{ImportPath: "example.com/a.test", Name: "main", GoFiles: []string{file}}
	}
	p := mainOf(filepath.Join(cache, "_testmain.go"))
	require.NoError(t, readTestMains(scratch, []*Package{p}))
	assert.Equal(t, "package main\n", p.testMain)

	for name, file := range map[string]string{
		"a symlink to an outside file":      filepath.Join(cache, "link.go"),
		"a symlinked directory leading out": filepath.Join(cache, "dirlink", "id_rsa"),
		"a path with ..":                    scratch + "/" + rel,
		"a path with .. inside the cache":   scratch + "/cache/b1/../../" + rel,
		"a FIFO":                            filepath.Join(cache, "fifo.go"),
	} {
		t.Run(name, func(t *testing.T) {
			p := mainOf(file)
			done := make(chan error, 1)
			go func() { done <- readTestMains(scratch, []*Package{p}) }()
			select {
			case err := <-done:
				var pe *Error
				require.True(t, errors.As(err, &pe), "got %v", err)
				assert.Equal(t, KindGoList, pe.Kind)
				assert.Contains(t, pe.Message, "cannot read the test main of example.com/a.test")
				assert.NotContains(t, pe.Message, "PRIVATE KEY")
				assert.Empty(t, p.testMain)
			case <-time.After(10 * time.Second):
				t.Fatal("reading the test main blocked")
			}
		})
	}
	// A file outside the scratch directory is not read at all.
	p = mainOf(secret)
	require.NoError(t, readTestMains(scratch, []*Package{p}))
	assert.Empty(t, p.testMain)
}

// testScriptSample is the shape of `go test -c -n` for package a (with
// internal and external tests) whose external test imports b, which
// imports a: a is compiled twice, b is recompiled against a's test variant,
// and every header is the plain import path.
const testScriptSample = `mkdir -p $WORK/b076/
mkdir -p $WORK/b075/

#
# example.com/t/a
#

echo '# import config' > $WORK/b075/importcfg # internal
/go/pkg/tool/linux_amd64/compile -o $WORK/b075/_pkg_.a -p example.com/t/a -importcfg $WORK/b075/importcfg -pack ./a.go

#
# example.com/t/a
#

echo '# import config' > $WORK/b001/importcfg # internal
/go/pkg/tool/linux_amd64/compile -o $WORK/b001/_pkg_.a -p example.com/t/a -importcfg $WORK/b001/importcfg -pack ./a.go ./a_test.go
mkdir -p $WORK/b128/

#
# example.com/t/b
#

cat >$WORK/b128/importcfg << 'EOF' # internal
# import config
packagefile example.com/t/a=$WORK/b001/_pkg_.a
EOF
/go/pkg/tool/linux_amd64/compile -o $WORK/b128/_pkg_.a -p example.com/t/b -importcfg $WORK/b128/importcfg -pack ./b.go
mkdir -p $WORK/b127/

#
# example.com/t/a_test
#

cat >$WORK/b127/importcfg << 'EOF' # internal
# import config
packagefile example.com/t/b=$WORK/b128/_pkg_.a
EOF
/go/pkg/tool/linux_amd64/compile -o $WORK/b127/_pkg_.a -p example.com/t/a_test -importcfg $WORK/b127/importcfg -pack ./x_test.go

#
# example.com/t/a.test
#

cat >$WORK/b076/importcfg << 'EOF' # internal
# import config
packagefile example.com/t/a=$WORK/b001/_pkg_.a
packagefile example.com/t/a_test=$WORK/b127/_pkg_.a
EOF
/go/pkg/tool/linux_amd64/compile -o $WORK/b076/_pkg_.a -p main -importcfg $WORK/b076/importcfg -pack $WORK/b076/_testmain.go
`

func TestNameTestSections(t *testing.T) {
	sections, err := parseScript(testScriptSample, "/src/t/a")
	require.NoError(t, err)
	byID := map[string]*Package{}
	for _, p := range []*Package{
		{ImportPath: "example.com/t/a", TestGoFiles: []string{"a_test.go"}},
		{ImportPath: "example.com/t/b"},
		{ImportPath: "example.com/t/a [example.com/t/a.test]", ForTest: "example.com/t/a", TestGoFiles: []string{"a_test.go"}},
		{ImportPath: "example.com/t/b [example.com/t/a.test]", ForTest: "example.com/t/a"},
		{ImportPath: "example.com/t/a_test [example.com/t/a.test]", ForTest: "example.com/t/a"},
		{ImportPath: "example.com/t/a.test", Name: "main", testMain: "package main\n"},
	} {
		byID[p.ImportPath] = p
	}
	require.NoError(t, nameTestSections(sections, byID))
	var got [][2]string
	for _, s := range sections {
		got = append(got, [2]string{s.objdir, s.pkg})
	}
	assert.Equal(t, [][2]string{
		{"$WORK/b075", "example.com/t/a"},
		{"$WORK/b001", "example.com/t/a [example.com/t/a.test]"},
		{"$WORK/b128", "example.com/t/b [example.com/t/a.test]"},
		{"$WORK/b127", "example.com/t/a_test [example.com/t/a.test]"},
		{"$WORK/b076", "example.com/t/a.test"},
	}, got)
	main := sections[4].stmts[0]
	assert.Equal(t, statement{kind: "write", file: "$WORK/b076/_testmain.go", content: "package main\n", literal: true}, main)

	delete(byID, "example.com/t/b [example.com/t/a.test]")
	sections, err = parseScript(testScriptSample, "/src/t/a")
	require.NoError(t, err)
	assert.ErrorContains(t, nameTestSections(sections, byID),
		"built example.com/t/b [example.com/t/a.test], which go list -test did not report")
}
