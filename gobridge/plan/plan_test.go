package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalizePatterns(t *testing.T) {
	tests := []struct {
		in           []string
		want         []string
		wantExplicit bool
		wantErr      string
	}{
		{nil, []string{"./..."}, false, ""},
		{[]string{"."}, []string{"."}, true, ""},
		{[]string{"cmd/x", "./cmd/y/"}, []string{"./cmd/x", "./cmd/y"}, true, ""},
		{[]string{"-toolexec=/bin/sh"}, []string{"./-toolexec=/bin/sh"}, true, ""},
		{[]string{"./..."}, []string{"./..."}, true, ""},
		{[]string{"../x"}, nil, true, "not a package path inside the module"},
		{[]string{"/abs"}, nil, true, "not a package path inside the module"},
		{[]string{""}, nil, true, "empty package path"},
	}
	for _, tt := range tests {
		got, explicit, err := normalizePatterns(tt.in)
		if tt.wantErr != "" {
			assert.ErrorContains(t, err, tt.wantErr, "%q", tt.in)
			continue
		}
		assert.NoError(t, err)
		assert.Equal(t, tt.want, got, "%q", tt.in)
		assert.Equal(t, tt.wantExplicit, explicit, "%q", tt.in)
	}
}

func TestCheckListErrors(t *testing.T) {
	tests := []struct {
		pkg      Package
		kind     ErrorKind
		contains string
	}{
		{Package{ImportPath: "./nope", Error: &PackageError{Err: "stat /m/nope: directory not found"}},
			"package-not-found", `subPackages: no Go package at "./nope"`},
		{Package{ImportPath: "./nope/...", Error: &PackageError{Err: "pattern ./nope/...: lstat ./nope/: no such file or directory"}},
			"package-not-found", `subPackages: no Go package at "./nope/..."`},
		{Package{ImportPath: "example.com/e", Error: &PackageError{Err: "open /m/e/x.txt: no such file or directory"}},
			"package", "package example.com/e: open /m/e/x.txt"},
		{Package{ImportPath: "example.com/a", Error: &PackageError{Err: "import cycle not allowed",
			ImportStack: []string{"example.com/a", "example.com/b", "example.com/a"}}},
			"import-cycle", "example.com/a -> example.com/b -> example.com/a"},
	}
	for _, tt := range tests {
		err := checkListErrors([]*Package{{ImportPath: "fine"}, &tt.pkg})
		var pe *Error
		if assert.ErrorAs(t, err, &pe) {
			assert.Equal(t, tt.kind, pe.Kind)
			assert.Contains(t, pe.Message, tt.contains)
		}
	}
	assert.NoError(t, checkListErrors([]*Package{{ImportPath: "fine"}}))
}
