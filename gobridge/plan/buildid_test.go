package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDropLinkBuildID(t *testing.T) {
	link := []string{"/go/pkg/tool/linux_amd64/link", "-o", "a.out", "-buildmode=exe", "-buildid=A/B/B/A"}
	tests := []struct {
		name     string
		user     []string
		want     []string
		actionID bool
	}{
		{"user -buildid= overrides cmd/go's", []string{"-s", "-buildid="}, []string{"-s", "-buildid="}, false},
		{"two dashes, two words", []string{"--buildid", "x"}, []string{"--buildid", "x"}, false},
		{"no -buildid: cmd/go's stays", []string{"-s", "-w"}, []string{"-buildid=A/B/B/A", "-s", "-w"}, true},
		{"a -X value is not a flag", []string{"-X", "main.v=-buildid=x"}, []string{"-buildid=A/B/B/A", "-X", "main.v=-buildid=x"}, true},
		{"-buildidx is another flag", []string{"-buildidx"}, []string{"-buildid=A/B/B/A", "-buildidx"}, true},
		{"after -s -w", []string{"-s", "-w", "-buildid="}, []string{"-s", "-w", "-buildid="}, false},
		{"the value of -extldflags", []string{"-extldflags", "-buildid=x"}, []string{"-buildid=A/B/B/A", "-extldflags", "-buildid=x"}, true},
		{"after -X's value", []string{"-X", "main.v=1", "-buildid="}, []string{"-X", "main.v=1", "-buildid="}, false},
		{"after --", []string{"--", "-buildid="}, []string{"-buildid=A/B/B/A", "--", "-buildid="}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append(append([]string{}, link...), tt.user...), "main.a")
			st := statement{args: args, quoted: make([]bool, len(args))}
			lo, hi := len(link), len(link)+len(tt.user)
			got, lo, hi, err := dropLinkBuildID(st, lo, hi, tt.user)
			assert.Equal(t, tt.actionID, err != nil)
			assert.Equal(t, tt.user, got.args[lo:hi], "the user's block moves with the deletion")
			assert.Equal(t, tt.want, got.args[lo-len(tt.want)+len(tt.user):hi])
			assert.Len(t, got.quoted, len(got.args))
		})
	}
}
