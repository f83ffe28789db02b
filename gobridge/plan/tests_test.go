package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
