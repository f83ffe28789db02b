package nixstore

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected paths were computed by Nix 2.8 itself:
//
//	builtins.path { path = ./testdata/pkg; name = "pkg-src";
//	  filter = p: t: builtins.elem (baseNameOf p) [ "a.go" "sub" "embed.txt" ]; }
//
// (sub/embed.txt is executable, to cover the NAR executable flag).
func TestSourcePathMatchesNix(t *testing.T) {
	got, err := SourcePath("pkg-src", "testdata/pkg", []string{"a.go", "sub/embed.txt"})
	require.NoError(t, err)
	assert.Equal(t, "/nix/store/jw8182alyj5grjrrxgqbwf1knjqc4phm-pkg-src", got)
}

func TestSourcePathDependsOnlyOnListedFiles(t *testing.T) {
	a, err := SourcePath("x", "testdata/pkg", []string{"a.go"})
	require.NoError(t, err)
	b, err := SourcePath("x", "testdata/pkg", []string{"a.go", "ignored.txt"})
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
	_, err = SourcePath("x", "testdata/pkg", []string{"missing.go"})
	assert.NoError(t, err, "a missing file is simply not admitted")
}

func TestMakeStorePath(t *testing.T) {
	// builtins.toFile "hello" "hello world" in Nix 2.8.
	inner := sha256.Sum256([]byte("hello world"))
	assert.Equal(t, "/nix/store/ivlnvab4q9c7wbsvbfsvgaa15j9p6206-hello", MakeStorePath("text", inner[:], "hello"))
}

func TestSanitizeName(t *testing.T) {
	tests := map[string]string{
		"example.com/a/b":    "example.com-a-b",
		"gopkg.in/yaml.v3":   "gopkg.in-yaml.v3",
		"weird~name@v1":      "weird_name_v1",
		".hidden":            "_.hidden",
		"example.com/x_y+z=": "example.com-x_y+z=",
	}
	for in, want := range tests {
		assert.Equal(t, want, SanitizeName(in), in)
	}
}
