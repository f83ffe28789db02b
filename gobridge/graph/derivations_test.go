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
	a, err := s.add("go-a", map[string]string{"gographAction": "{}", "passAsFile": "gographAction"}, nil, nil, false)
	require.NoError(t, err)
	assert.Equal(t, "/nix/store/nf7cybwd6niiwl914c7rbaqdj27dg8fz-go-a.drv", a.DrvPath)
	assert.Equal(t, "/nix/store/xw4pyv7cpk94izcib7177ad3p12i2jc6-go-a", a.Outputs["out"])

	b, err := s.add("go-b", map[string]string{"gographAction": "uses " + a.Outputs["out"] + "/pkg.a",
		"passAsFile": "gographAction"}, []outputRef{{a, "out"}}, nil, false)
	require.NoError(t, err)
	assert.Equal(t, "/nix/store/lrkymp32vvq7cvr8hdfs7aw38663na13-go-b.drv", b.DrvPath)
	assert.Equal(t, "/nix/store/46dpvgspnr3wnadngfylv24q4s9k4ikr-go-b", b.Outputs["out"])
	assert.Contains(t, b.ATerm, `[("`+a.DrvPath+`",["out"])]`)
	assert.Equal(t, []*Derivation{a, b}, s.list, "derivations are listed inputs first")
}

// The expected paths and placeholders are Nix 2.8's (ca-derivations on) for
//
//	ca = { __contentAddressed = true; outputHashMode = "recursive";
//	       outputHashAlgo = "sha256"; outputs = [ "out" "export" ]; };
//	a = derivation ({ name = "go-a"; …; gographAction = "{}"; } // ca);
//	b = derivation { name = "go-b"; …; gographAction = "uses ${a}/pkg.a"; };
//	c = derivation ({ name = "go-c"; …; gographAction = "uses ${a.export}/pkg.a"; } // ca);
//
// with system, builder and passAsFile as in TestDrvSetMatchesNix: a is
// content-addressed, b deferred, c content-addressed reading a's export.
func TestDrvSetContentAddressedMatchesNix(t *testing.T) {
	req := &Request{System: "x86_64-linux",
		Builder: StoreInput{Path: "/nix/store/00000000000000000000000000000000-b/bin/b"}}
	s := newDrvSet(req)
	env := func(action string) map[string]string {
		return map[string]string{"gographAction": action, "passAsFile": "gographAction"}
	}
	a, err := s.add("go-a", env("{}"), nil, nil, true)
	require.NoError(t, err)
	assert.Equal(t, "/nix/store/sy9xvr6ishjvirkpkwyzl7pmrp4njg71-go-a.drv", a.DrvPath)
	assert.Equal(t, map[string]string{"out": "/1qr5710222rsxpknv7d6avwb4zh4l6djq8rb04n8gx2g85875rnc",
		"export": "/1p444wmjmyfpy2bqgcaajn1cp9spzph1kmn345603iwck84bsy5w"}, a.Outputs)

	b, err := s.add("go-b", env("uses "+a.Outputs["out"]+"/pkg.a"), []outputRef{{a, "out"}}, nil, false)
	require.NoError(t, err)
	assert.Equal(t, "/nix/store/awdb37kf09lxiy6ix7qp50a30xsc6pzp-go-b.drv", b.DrvPath)
	assert.Equal(t, map[string]string{"out": "/0gm95qxbcicn4jvicdckg2dszgm6n3vhmm4hp5jjwhn2wv9inmp6"}, b.Outputs)
	assert.Contains(t, b.ATerm, `[("out","","","")]`, "b is deferred")

	c, err := s.add("go-c", env("uses "+a.Outputs["export"]+"/pkg.a"), []outputRef{{a, "export"}}, nil, true)
	require.NoError(t, err)
	assert.Equal(t, "/nix/store/h617wjljh6ch2njfqyf0xdidb934hn26-go-c.drv", c.DrvPath)
	assert.Equal(t, map[string]string{"out": "/0m6fjn7pf8sybcs2nmhlvqi0fi7x74ly015vrwn0vsx0jwr87ppx",
		"export": "/1m851dl3qjhmydj9364dmw16x7n20nv9y7qrxrq1l8dg04si0rxv"}, c.Outputs)
	assert.Contains(t, c.ATerm, `[("`+a.DrvPath+`",["export"])]`)
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
