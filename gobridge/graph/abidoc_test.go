package graph

import (
	"bufio"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// docTables reads the Markdown file path and returns, per "###" heading, the
// first-column entries of the table rows under it that are one `code span`.
func docTables(t *testing.T, path string) map[string][]string {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	cell := regexp.MustCompile("^\\|\\s*`([^`]+)`\\s*\\|")
	tables := map[string][]string{}
	heading := ""
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line := lines.Text()
		if h, ok := strings.CutPrefix(line, "### "); ok {
			heading = strings.TrimSpace(h)
		} else if strings.HasPrefix(line, "#") {
			heading = ""
		} else if m := cell.FindStringSubmatch(line); m != nil && heading != "" {
			tables[heading] = append(tables[heading], m[1])
		}
	}
	require.NoError(t, lines.Err())
	return tables
}

// jsonFields are the JSON names of the fields of the struct type of v.
func jsonFields(v any) []string {
	var names []string
	typ := reflect.TypeOf(v)
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// TestABIDocumented checks that docs/abi.md documents every field of the
// request and every error kind, and nothing else under those headings.
func TestABIDocumented(t *testing.T) {
	tables := docTables(t, "../../docs/abi.md")
	var kinds []string
	for _, k := range plan.ErrorKinds {
		kinds = append(kinds, string(k))
	}
	tests := []struct {
		heading string
		want    []string
	}{
		{"Request fields", jsonFields(Request{})},
		{"Policy", jsonFields(Policy{})},
		{"Store inputs", jsonFields(StoreInput{})},
		{"Input derivations", jsonFields(InputDrv{})},
		{"Error kinds", kinds},
	}
	for _, tt := range tests {
		t.Run(tt.heading, func(t *testing.T) {
			require.Contains(t, tables, tt.heading, "docs/abi.md has no table under ### %s", tt.heading)
			assert.ElementsMatch(t, tt.want, tables[tt.heading])
		})
	}
}
