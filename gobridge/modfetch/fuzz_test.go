package modfetch

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/mod/module"
)

// FuzzParseGoSum: ParseGoSum never panics; what it accepts is valid module
// versions with h1: hashes, and printing them back parses to the same.
func FuzzParseGoSum(f *testing.F) {
	for _, seed := range []string{
		"github.com/a/b v1.0.0 h1:zip=\ngithub.com/a/b v1.0.0/go.mod h1:mod=\n",
		"golang.org/x/only v0.1.0/go.mod h1:x=\n\n",
		"a v1.0.0", "-bad v1.0.0 h1:x", "example.com/a notaversion h1:x", "example.com/a v1.0.0/go.mod/go.mod h1:x",
		"example.com/A v1.0.0 h1:x\r\n", "\xff v1.0.0 h1:x",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sums, err := ParseGoSum("go.sum", data)
		if err != nil {
			return
		}
		var again strings.Builder
		for mod, s := range sums {
			if s.Mod != mod {
				t.Fatalf("sum of %v records %v", mod, s.Mod)
			}
			if err := module.Check(mod.Path, mod.Version); err != nil {
				t.Fatalf("accepted an invalid module version %v: %v", mod, err)
			}
			if s.Zip == "" && s.GoMod == "" {
				t.Fatalf("%v has no hash", mod)
			}
			for _, h := range []string{s.Zip, s.GoMod} {
				if h != "" && (!strings.HasPrefix(h, "h1:") || strings.ContainsAny(h, " \t\n")) {
					t.Fatalf("%v: hash %q", mod, h)
				}
			}
			if s.Zip != "" {
				fmt.Fprintf(&again, "%s %s %s\n", mod.Path, mod.Version, s.Zip)
			}
			if s.GoMod != "" {
				fmt.Fprintf(&again, "%s %s/go.mod %s\n", mod.Path, mod.Version, s.GoMod)
			}
		}
		reparsed, err := ParseGoSum("go.sum", []byte(again.String()))
		if err != nil {
			t.Fatalf("printed sums do not parse: %v\n%s", err, again.String())
		}
		if len(reparsed) != len(sums) {
			t.Fatalf("reparsed %d sums, had %d", len(reparsed), len(sums))
		}
		for mod, s := range sums {
			if r := reparsed[mod]; r == nil || *r != *s {
				t.Fatalf("%v: reparsed %+v, had %+v", mod, r, s)
			}
		}
	})
}

// FuzzParseNetrc: parseNetrc never panics, every entry it returns is
// complete and made of the file's own fields, and the auth lookup built
// from it never sends credentials to a host no entry names.
func FuzzParseNetrc(f *testing.F) {
	for _, seed := range []string{
		"machine proxy.corp login alice password s3cret\n",
		"machine a login x password y machine b login z password w",
		"macdef init\nmachine hidden login x password y\n\nmachine shown login a password b\n",
		"default login x password y\nmachine after login a password b",
		"machine m\nlogin l\npassword p\n", "machine", "login password machine",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		fields := map[string]bool{}
		for _, w := range strings.Fields(data) {
			fields[w] = true
		}
		lines := parseNetrc(data)
		a := &auth{credentials: map[string]http.Header{}}
		for _, l := range lines {
			if l.machine == "" || l.login == "" || l.password == "" {
				t.Fatalf("incomplete entry %+v", l)
			}
			if !fields[l.machine] || !fields[l.login] || !fields[l.password] {
				t.Fatalf("entry %+v is not made of the file's fields", l)
			}
			h := http.Header{}
			h.Set("Authorization", "Basic x")
			a.store(l.machine, h)
		}
		for _, host := range []string{"nowhere.invalid", "nowhere.invalid:8443"} {
			if fields[host] {
				continue
			}
			u := mustURL(t, "https://"+host+"/a/b")
			if a.lookup(u) != nil {
				t.Fatalf("credentials for %s from %q", host, data)
			}
		}
	})
}
