package graph

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The expected placeholders are what Nix 2.8 wrote into the .drv files of
// `derivation { name = "a"; __contentAddressed = true; outputs = [ "out"
// "export" ]; … }` and of a derivation reading "${a.export}".
func TestPlaceholders(t *testing.T) {
	tests := []struct{ got, want string }{
		{hashPlaceholder("out"), "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9"},
		{hashPlaceholder("export"), "/121sin56az2qc03x9v3k1igx0fc8z3gajfkjn3dg4vddbcryzv5r"},
		{downstreamPlaceholder("/nix/store/blkij04dgnj4mfa6n067phy5ayj8qj91-a.drv", "export"),
			"/12sr30a25mcryvz12hg2j081dkyk1h4xv35rwqk7z95s14hxdin8"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got)
	}
}
