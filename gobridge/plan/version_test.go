package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGoMinor(t *testing.T) {
	tests := []struct {
		version string
		minor   int
		ok      bool
	}{
		{"go1.22.12", 22, true},
		{"go1.25.4", 25, true},
		{"go1.26rc1", 26, true},
		{"go1.24.2 X:nocoverageredesign", 24, true},
		{"go1.27", 27, true},
		{"devel go1.28-abcdef", 0, false},
		{"go2.0", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		minor, ok := goMinor(tt.version)
		assert.Equal(t, tt.ok, ok, tt.version)
		assert.Equal(t, tt.minor, minor, tt.version)
	}
}
