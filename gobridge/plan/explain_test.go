package plan

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestExplainNewerGo rewords cmd/go's gover.TooNewError in each of its
// forms (cmd/go/internal/modload, modfetch) as a bad go argument naming
// the go.mod that asks and the toolchain.
func TestExplainNewerGo(t *testing.T) {
	tests := []struct{ goErr, want string }{
		{"go list: go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)",
			"src's go.mod requires go >= 1.99, but the toolchain go (/go) is go 1.26.8: pass a Go 1.99 or later toolchain as go"},
		{"go list: go: module example.com/dep@v1.0.0 requires go >= 1.30 (running go 1.22.12; GOTOOLCHAIN=local)",
			"module example.com/dep@v1.0.0 requires go >= 1.30, but the toolchain go (/go) is go 1.22.12: "},
		{"go: example.com/dep in vendor/modules.txt requires go >= 1.25.0 (running go 1.24.13; GOTOOLCHAIN=local)",
			"example.com/dep in vendor/modules.txt requires go >= 1.25.0, but the toolchain go (/go) is go 1.24.13: "},
	}
	g := &goRunner{cfg: &Config{GoRoot: "/go"}}
	for _, tt := range tests {
		var pe *Error
		if assert.ErrorAs(t, g.explainError(nil, errors.New(tt.goErr)), &pe, tt.goErr) {
			assert.Equal(t, KindBadArgument, pe.Kind)
			assert.Equal(t, "go", pe.Argument)
			assert.Contains(t, pe.Message, tt.want)
		}
	}
	other := errors.New("go list: go: something else")
	assert.Equal(t, other, g.explainError(nil, other))
}

// TestPlatformErrorWithoutDistList blames the argument the user set when
// the toolchain cannot list its platforms (here: there is no go at all).
func TestPlatformErrorWithoutDistList(t *testing.T) {
	tests := []struct {
		goos, goarch, want string
	}{
		{"", "nosuch", "goarch"},
		{"nosuch", "", "goos"},
		{"linux", "nosuch", "goarch"},
	}
	for _, tt := range tests {
		g, err := newGoRunner(&Config{GoRoot: t.TempDir(), GOOS: tt.goos, GOARCH: tt.goarch})
		if !assert.NoError(t, err) {
			continue
		}
		e := g.platformError("unsupported GOOS/GOARCH pair x/y", tt.goos, tt.goarch)
		g.close()
		assert.Equal(t, KindBadArgument, e.Kind)
		assert.Equal(t, tt.want, e.Argument, "%s/%s", tt.goos, tt.goarch)
		assert.Contains(t, e.Message, tt.want+" ")
	}
}
