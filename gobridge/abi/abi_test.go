package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/graph"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// TestErrorJSON checks that the errors the ABI makes itself (a panic, a bad
// handle) are error responses of docs/abi.md.
func TestErrorJSON(t *testing.T) {
	var resp graph.Response
	require.NoError(t, json.Unmarshal([]byte(errorJSON("gobridge: invalid planner handle")), &resp))
	assert.Nil(t, resp.OK)
	require.NotNil(t, resp.Error)
	assert.Equal(t, plan.KindInternal, resp.Error.Kind)
	assert.Equal(t, "gobridge: invalid planner handle", resp.Error.Message)
}
