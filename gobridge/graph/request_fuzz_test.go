package graph

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// FuzzRequest feeds arbitrary bytes to the request layer: decoding,
// validation and the plan configuration must never panic. A request that
// validation accepts would make PlanJSON run go, so only PlanConfig and
// plan.CheckFlags see it; every other request goes through PlanJSON, whose
// answer must be a well-formed response: exactly one of ok and error, a
// known error kind, a non-empty UTF-8 message, never a recovered panic.
func FuzzRequest(f *testing.F) {
	store := `{"path":"/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-go","inputDrvs":[],"inputSrcs":[]}`
	for _, seed := range []string{
		`{"src":"/src","go":` + store + `,"builder":` + store + `,"system":"x86_64-linux","subPackages":["./cmd"],` +
			`"tags":["netgo"],"ldflags":["-s","-X main.v=1"],"goos":"linux","goarch":"amd64","cgo":true,"cc":` + store +
			`,"tests":true,"policy":{"sandbox":true,"storePaths":["/nix/store/x"],"allowedUris":[]}}`,
		`{"src":"/src","go":` + store + `,"builder":` + store + `,"system":"x86_64-linux","cgo":true}`,
		`{"src":"/src","go":{"path":"/nix/store/../etc"},"builder":` + store + `,"system":"x"}`,
		`{"src":"/src","go":{"path":"relative"},"builder":{"path":""},"system":""}`,
		`{"src":"/src","go":` + store + `,"builder":` + store + `}`,
		`{}`, `null`, `[]`, `""`, `{"src":1}`, `{"src":"/s","tags":"a"}`, `{"go":{"inputDrvs":[{"outputs":null}]}}`,
		"{\"src\":\"\xff\"}", `{"src":"\ud800"}`, `{"src":"/s","src":"/t"}`, `{"SRC":"/s"}`, `{`, ``,
		`{"cc":null,"cgo":false,"policy":null}`, `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	} {
		f.Add([]byte(seed))
	}
	p := NewPlanner()
	f.Fuzz(func(t *testing.T, data []byte) {
		var req Request
		if json.Unmarshal(data, &req) == nil && req.validate() == nil {
			cfg := req.PlanConfig()
			if cfg.Dir != req.Src || cfg.GoRoot != req.Go.Path || cfg.CGO != req.CGO {
				t.Fatalf("PlanConfig of %q does not carry the request: %+v", data, cfg)
			}
			if req.CGO && cfg.CC != req.CC.Path+"/bin/cc" {
				t.Fatalf("PlanConfig of %q: CC %q", data, cfg.CC)
			}
			if err := plan.CheckFlags(cfg); err != nil {
				checkError(t, data, errorInfo(err))
			}
			return // PlanJSON would plan it: run go
		}
		out := p.PlanJSON(data)
		var resp Response
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("response to %q is not JSON: %v: %q", data, err, out)
		}
		if resp.OK != nil || resp.Error == nil {
			t.Fatalf("response to the invalid request %q is not exactly one error: %s", data, out)
		}
		checkError(t, data, resp.Error)
	})
}

// checkError fails t unless e is a well-formed error answering data.
func checkError(t *testing.T, data []byte, e *ErrorInfo) {
	t.Helper()
	if !slices.Contains(plan.ErrorKinds, e.Kind) {
		t.Fatalf("error for %q has an unknown kind %q", data, e.Kind)
	}
	if e.Message == "" || !utf8.ValidString(e.Message) {
		t.Fatalf("error for %q has an empty or non-UTF-8 message: %q", data, e.Message)
	}
	if strings.HasPrefix(e.Message, "gobridge: internal error") {
		t.Fatalf("request %q panicked: %s", data, e.Message)
	}
	if e.Kind == plan.KindBadArgument && e.Argument == "" {
		t.Fatalf("bad-argument error for %q names no argument: %s", data, e.Message)
	}
}
