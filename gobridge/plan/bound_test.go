package plan

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestBoundMessage(t *testing.T) {
	script := strings.Repeat("/go/pkg/tool/linux_amd64/compile -o $WORK/b001/_pkg_.a -p x ./x.go\n", 2000)
	tests := []struct {
		name, in string
		// keep are parts that must survive, in order.
		keep []string
	}{
		{"short: as it is", "go build -n: x: invalid flag", []string{"go build -n: x: invalid flag"}},
		{"exactly the limit: as it is", strings.Repeat("a", maxMessage), nil},
		{"the first error lines and the end are kept", "go build -n: x: invalid flag in #cgo CFLAGS: -fplugin=x\n" + script + "the end",
			[]string{"go build -n: x: invalid flag in #cgo CFLAGS: -fplugin=x\n", "bytes left out", "the end"}},
		{"one long line of multi-byte runes is cut between runes", strings.Repeat("«é»", 5000), []string{"«é»", "bytes left out"}},
	}
	for _, tt := range tests {
		got := boundMessage(tt.in)
		assert.LessOrEqual(t, len(got), maxMessage+64, tt.name)
		assert.True(t, utf8.ValidString(got), tt.name)
		if len(tt.in) <= maxMessage {
			assert.Equal(t, tt.in, got, tt.name)
		}
		rest := got
		for _, k := range tt.keep {
			at := strings.Index(rest, k)
			if assert.GreaterOrEqual(t, at, 0, "%s: %q missing", tt.name, k) {
				rest = rest[at+len(k):]
			}
		}
	}
}

func TestBoundError(t *testing.T) {
	long := strings.Repeat("x", 3*maxMessage)
	tests := []struct {
		name     string
		in       error
		wantKind ErrorKind
		wantPkg  string
	}{
		{"a planner error keeps its kind and culprit", &Error{Kind: KindGoBuild, Package: "p", Message: long}, KindGoBuild, "p"},
		{"any other error becomes internal", errors.New(long), KindInternal, ""},
	}
	for _, tt := range tests {
		var pe *Error
		if assert.ErrorAs(t, boundError(tt.in), &pe, tt.name) {
			assert.Equal(t, tt.wantKind, pe.Kind, tt.name)
			assert.Equal(t, tt.wantPkg, pe.Package, tt.name)
			assert.Contains(t, pe.Message, "bytes left out", tt.name)
			assert.Less(t, len(pe.Message), maxMessage+64, tt.name)
		}
	}
	short := errors.New("short")
	assert.Equal(t, short, boundError(short))
	assert.NoError(t, boundError(nil))
}
