package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckFileNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		pkg  Package
		want string // "" for no error
	}{
		{"plain", Package{ImportPath: "m", GoFiles: []string{"a.go", "it's «b».go"}}, ""},
		{"go file", Package{ImportPath: "m/p", GoFiles: []string{"a\uFFFD.go"}}, `package m/p: the name of a file ("a\ufffd.go" as go list shows it) is not valid UTF-8`},
		{"embed", Package{ImportPath: "m", EmbedFiles: []string{"d/\uFFFD"}}, "is not valid UTF-8"},
		{"standard", Package{ImportPath: "fmt", Standard: true, GoFiles: []string{"\uFFFD.go"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkFileNames([]*Package{&tc.pkg})
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), tc.want)
				assert.Equal(t, KindPackage, err.(*Error).Kind)
			}
		})
	}
}
