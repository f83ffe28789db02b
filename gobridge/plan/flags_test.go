package plan

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitFlags(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{"", nil, ""},
		{" \t\n\r ", nil, ""},
		{"-s -w", []string{"-s", "-w"}, ""},
		{"  -s\t-w\n", []string{"-s", "-w"}, ""},
		{"-X main.version=1.0", []string{"-X", "main.version=1.0"}, ""},
		{"-X 'main.msg=hello world'", []string{"-X", "main.msg=hello world"}, ""},
		{`-X "main.msg=hello world"`, []string{"-X", "main.msg=hello world"}, ""},
		// Quotes inside a field are ordinary characters.
		{"-X main.v=a'b'c", []string{"-X", "main.v=a'b'c"}, ""},
		{`-X=main.v="x y"`, []string{`-X=main.v="x`, `y"`}, ""},
		{"-X main.v=$WORK/x", []string{"-X", "main.v=$WORK/x"}, ""},
		// No escapes inside quotes; the other quote is ordinary there.
		{`'a\'`, []string{`a\`}, ""},
		{`"it's"`, []string{"it's"}, ""},
		{`'say "hi"'`, []string{`say "hi"`}, ""},
		{"''", []string{""}, ""},
		{`"" ''`, []string{"", ""}, ""},
		// A closing quote ends the field even with no space after it.
		{"'a'b", []string{"a", "b"}, ""},
		{"'a''b'", []string{"a", "b"}, ""},
		{"'a b'\"c d\"", []string{"a b", "c d"}, ""},
		{"-X 'main.a=b", nil, "unterminated '"},
		{`"abc`, nil, `unterminated "`},
		{`'abc"`, nil, "unterminated '"},
	}
	for _, tt := range tests {
		got, err := SplitFlags(tt.in)
		if tt.wantErr != "" {
			assert.EqualError(t, err, tt.wantErr, "%q", tt.in)
			continue
		}
		assert.NoError(t, err, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
}

func TestSplitPackageFlag(t *testing.T) {
	tests := []struct {
		in          string
		wantPattern string
		want        []string
		wantErr     string
	}{
		{"-N -l", "", []string{"-N", "-l"}, ""},
		{"  -N -l ", "", []string{"-N", "-l"}, ""},
		{"all=-N -l", "all", []string{"-N", "-l"}, ""},
		{"example.com/m/...=-spectre=all", "example.com/m/...", []string{"-spectre=all"}, ""},
		{"", "", nil, ""},
		{"std", "", nil, "missing =<value> in <pattern>=<value>"},
		{"=-N", "", nil, "missing <pattern> in <pattern>=<value>"},
		{"'all'=-N", "", nil, "parameter may not start with quote character '"},
		{"all=-X 'a", "", nil, "unterminated '"},
	}
	for _, tt := range tests {
		pattern, got, err := SplitPackageFlag(tt.in)
		if tt.wantErr != "" {
			assert.EqualError(t, err, tt.wantErr, "%q", tt.in)
			continue
		}
		assert.NoError(t, err, "%q", tt.in)
		assert.Equal(t, tt.wantPattern, pattern, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
}

func TestBuildFlagsJoin(t *testing.T) {
	tests := []struct {
		cfg  Config
		want []string
	}{
		{Config{}, []string{"-trimpath", "-buildvcs=false"}},
		{Config{Ldflags: []string{"-s", "-w", "-X main.version=1.0"}},
			[]string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w -X main.version=1.0"}},
		{Config{Ldflags: []string{"-X", "main.version=1.0", "-buildid="}},
			[]string{"-trimpath", "-buildvcs=false", "-ldflags=-X main.version=1.0 -buildid="}},
		{Config{Ldflags: []string{"-X 'main.msg=hello world'"}},
			[]string{"-trimpath", "-buildvcs=false", "-ldflags=-X 'main.msg=hello world'"}},
		{Config{Tags: []string{"a", "b"}, Gcflags: []string{"all=-N", "-l"}, Asmflags: []string{"-spectre=all"}},
			[]string{"-trimpath", "-buildvcs=false", "-tags=a,b", "-gcflags=all=-N -l", "-asmflags=-spectre=all"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, BuildFlags(&tt.cfg), "%+v", tt.cfg)
	}
}

func TestCheckFlags(t *testing.T) {
	tests := []struct {
		cfg      Config
		argument string
		message  string
	}{
		{Config{Ldflags: []string{"-s", "-w", "-X main.v=a'b'c"}, Tags: []string{"netgo", "osusergo"}}, "", ""},
		{Config{Ldflags: []string{"-X 'main.a=b", "-buildid="}}, "ldflags",
			`ldflags: unterminated ' in "-X 'main.a=b -buildid=" (the elements joined with spaces)`},
		{Config{Gcflags: []string{`-d="x`}}, "", ""}, // the quote is inside a field
		{Config{Gcflags: []string{`"-N`}}, "gcflags",
			`gcflags: missing =<value> in <pattern>=<value> in "\"-N" (the elements joined with spaces)`},
		{Config{Asmflags: []string{"-D", `"X`}}, "asmflags",
			`asmflags: unterminated " in "-D \"X" (the elements joined with spaces)`},
		{Config{Tags: []string{"a", "b c"}}, "tags", `tags: "b c" contains a space; each element is one build tag`},
		{Config{Tags: []string{"a,b"}}, "tags", `tags: "a,b" contains a comma; each element is one build tag`},
		{Config{Tags: []string{"it's"}}, "tags", `tags: "it's" contains a quote; each element is one build tag`},
		{Config{Tags: []string{""}}, "tags", "tags: an element is empty"},
		{Config{Gcflags: []string{"-N -linkobj=/tmp/x"}}, "", ""},
		{Config{Gcflags: []string{"example.com/m=-N --linkobj /tmp/x"}, LinkObj: true}, "gcflags",
			`gcflags: "--linkobj": content-addressed compiles (contentAddressed) set the compiler's -linkobj themselves`},
		{Config{GoEnv: map[string]string{"GOAMD64": "v3", "GOEXPERIMENT": "nosynchashtriemap", "GOFIPS140": "latest"}}, "", ""},
		{Config{GoEnv: map[string]string{"GOPATH": "/x"}}, "goEnv",
			"goEnv: GOPATH is not a Go build setting nix-gograph passes on (it takes GO386, GOAMD64, GOARM, GOARM64, GOMIPS, GOMIPS64, GOPPC64, GORISCV64, GOWASM, GOEXPERIMENT, GOFIPS140)"},
		{Config{GoEnv: map[string]string{"GOAMD64": "v3\nGOOS=windows"}}, "goEnv", "goEnv: the value of GOAMD64 holds a newline or a NUL"},
		{Config{GoEnv: map[string]string{"GOFIPS140": "v1.0.0"}}, "goEnv",
			"goEnv: GOFIPS140=v1.0.0: nix-gograph builds only GOFIPS140=off or latest (a snapshot of the FIPS module is not a store input yet)"},
	}
	for _, tt := range tests {
		err := CheckFlags(&tt.cfg)
		if tt.message == "" {
			assert.NoError(t, err, "%+v", tt.cfg)
			continue
		}
		var pe *Error
		if assert.True(t, errors.As(err, &pe), "%+v: %v", tt.cfg, err) {
			assert.Equal(t, KindBadArgument, pe.Kind)
			assert.Equal(t, tt.argument, pe.Argument)
			assert.Equal(t, tt.message, pe.Message)
		}
	}
}
