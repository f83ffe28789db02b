package lock

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected value is what `nix-hash --type sha256` (Nix 2.8) prints for
// the directory.
func TestNarHashMatchesNixHash(t *testing.T) {
	got, err := NarHash("../nixstore/testdata/pkg")
	require.NoError(t, err)
	assert.Equal(t, "7a49a37188b9d5e1a440c3c990632593245881b80fd2ecb36907aab12babc862", got)
}
