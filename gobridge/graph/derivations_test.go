package graph

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected paths are Nix 2.8's for the same derivations written in Nix:
//
//	a = derivation { name = "go-a"; system = "x86_64-linux"; builder = B;
//	                 gographAction = "{}"; passAsFile = "gographAction"; };
//	b = derivation { name = "go-b"; system = "x86_64-linux"; builder = B;
//	                 gographAction = "uses ${a}/pkg.a"; passAsFile = "gographAction"; };
//
// with B = "/nix/store/00000000000000000000000000000000-b/bin/b".
func TestDrvSetMatchesNix(t *testing.T) {
	req := &Request{System: "x86_64-linux",
		Builder: StoreInput{Path: "/nix/store/00000000000000000000000000000000-b/bin/b"}}
	s := newDrvSet(req)
	a, err := s.add("go-a", map[string]string{"gographAction": "{}", "passAsFile": "gographAction"}, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "/nix/store/nf7cybwd6niiwl914c7rbaqdj27dg8fz-go-a.drv", a.DrvPath)
	assert.Equal(t, "/nix/store/xw4pyv7cpk94izcib7177ad3p12i2jc6-go-a", a.Outputs["out"])

	b, err := s.add("go-b", map[string]string{"gographAction": "uses " + a.Outputs["out"] + "/pkg.a",
		"passAsFile": "gographAction"}, []*Derivation{a}, nil)
	require.NoError(t, err)
	assert.Equal(t, "/nix/store/lrkymp32vvq7cvr8hdfs7aw38663na13-go-b.drv", b.DrvPath)
	assert.Equal(t, "/nix/store/46dpvgspnr3wnadngfylv24q4s9k4ikr-go-b", b.Outputs["out"])
	assert.Contains(t, b.ATerm, `[("`+a.DrvPath+`",["out"])]`)
	assert.Equal(t, []*Derivation{a, b}, s.list, "derivations are listed inputs first")
}

func TestPlanJSONErrors(t *testing.T) {
	store := "/nix/store/00000000000000000000000000000000-x"
	tests := []struct {
		request, kind, argument, contains string
	}{
		{`not json`, "internal", "", "bad request"},
		{`{"system":"x86_64-linux","go":{"path":"` + store + `"},"builder":{"path":"` + store + `"}}`,
			"bad-argument", "src", "src is missing"},
		{`{"src":"/tmp","system":"x86_64-linux","go":{"path":"/usr/local/go"},"builder":{"path":"` + store + `"}}`,
			"bad-argument", "go", "go must be a path in /nix/store"},
		{`{"src":"/tmp","system":"x86_64-linux","go":{"path":"` + store + `/../../etc"},"builder":{"path":"` + store + `"}}`,
			"bad-argument", "go", "go must be a path in /nix/store"},
		{`{"src":"/nonexistent-gograph","system":"x86_64-linux","go":{"path":"` + store + `"},"builder":{"path":"` + store + `"}}`,
			"no-module", "src", "has no go.mod"},
		{`{"src":"/etc/passwd","system":"x86_64-linux","go":{"path":"` + store + `"},"builder":{"path":"` + store + `"}}`,
			"bad-argument", "src", "src /etc/passwd is a file; it must be the directory holding go.mod"},
	}
	for _, tt := range tests {
		var resp Response
		require.NoError(t, json.Unmarshal(NewPlanner().PlanJSON([]byte(tt.request)), &resp))
		require.NotNil(t, resp.Error, tt.request)
		assert.Nil(t, resp.OK)
		assert.Equal(t, tt.kind, string(resp.Error.Kind), tt.request)
		assert.Equal(t, tt.argument, resp.Error.Argument, tt.request)
		assert.Contains(t, resp.Error.Message, tt.contains, tt.request)
	}
}
