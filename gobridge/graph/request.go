package graph

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/nix-gograph/nix-gograph/gobridge/nixstore"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// Request is the argument of builtins.goPackageGraph, as the C++ shim
// encodes it (docs/abi.md).
type Request struct {
	Src              string   `json:"src"`
	SubPackages      []string `json:"subPackages"`
	ExcludedPackages []string `json:"excludedPackages"`
	Tags             []string `json:"tags"`
	Ldflags          []string `json:"ldflags"`
	Gcflags          []string `json:"gcflags"`
	Asmflags         []string `json:"asmflags"`
	GOOS             string   `json:"goos"`
	GOARCH           string   `json:"goarch"`
	CGO              bool     `json:"cgo"`
	// CC is the C toolchain (holding bin/cc), needed with CGO.
	CC *StoreInput `json:"cc,omitempty"`
	// BuildInputs are the C libraries of cgo packages (plan.Config's
	// Libraries): inputs of the module's cgo compiles and of links.
	BuildInputs []StoreInput `json:"buildInputs,omitempty"`
	// PkgConfig holds bin/pkg-config, which planning runs for `#cgo
	// pkg-config:` lines; builds do not need it.
	PkgConfig *StoreInput `json:"pkgConfig,omitempty"`
	// GoEnv are Go build settings of the environment, by name (plan.Config's
	// GoEnv; plan.GoEnvNames lists those taken).
	GoEnv map[string]string `json:"goEnv,omitempty"`
	// Tests asks for the test binaries of the planned main-module packages.
	Tests bool `json:"tests"`
	// Workspace plans src with its go.work, if it has one (plan.Config's
	// Workspace); false plans with GOWORK=off.
	Workspace bool `json:"workspace,omitempty"`
	// ContentAddressed makes the compile derivations content-addressed,
	// each with two outputs (Description.ContentAddressed), so an edit that
	// leaves a package's export data as it was rebuilds no importer.
	ContentAddressed bool       `json:"contentAddressed,omitempty"`
	System           string     `json:"system"`
	Go               StoreInput `json:"go"`
	Builder          StoreInput `json:"builder"`
	// Policy is what Nix's settings allow planning to do; the shim fills
	// it from Nix's settings, never from the user's attributes.
	Policy Policy `json:"policy"`
}

// Policy is the part of Nix's configuration that bounds what planning may
// do (docs/abi.md, "Policy").
type Policy struct {
	// Sandbox runs every process planning starts in a sandbox made with
	// Linux namespaces (the plugin setting gograph-sandbox).
	Sandbox bool `json:"sandbox"`
	// SandboxHelper is the gograph-sandbox program installed next to the
	// plugin, which sets the sandbox up and then runs the program.
	SandboxHelper string `json:"sandboxHelper"`
	// StorePaths are the closure of go and cc: the store paths visible,
	// read-only, in the sandbox.
	StorePaths []string `json:"storePaths"`
	// Offline forbids downloads (nix --offline): modules come from the
	// store and the module index only.
	Offline bool `json:"offline"`
	// RestrictEval is Nix's restrict-eval: proxy URLs must be allowed by
	// AllowedURIs, as builtins.fetchurl's are. (pure-eval needs nothing
	// here: what it forbids, reading go and cc, the shim checks.)
	RestrictEval bool `json:"restrictEval"`
	// AllowedURIs is Nix's allowed-uris: the URI prefixes a download may
	// come from under RestrictEval, matched as Nix matches them
	// (modfetch.IsAllowedURI). Without RestrictEval it is ignored.
	AllowedURIs []string `json:"allowedUris"`
	// PlanCache reuses a plan made before when nothing that shapes it
	// changed (the plugin setting gograph-plan-cache).
	PlanCache bool `json:"planCache"`
}

// StoreInput is a store path the derivations use, with the derivations and
// sources its string context named.
type StoreInput struct {
	Path      string     `json:"path"`
	InputDrvs []InputDrv `json:"inputDrvs"`
	InputSrcs []string   `json:"inputSrcs"`
}

// InputDrv is a derivation output in a string's context, with the hash Nix
// computed for it (hashDerivationModulo), which output paths depend on.
type InputDrv struct {
	DrvPath    string   `json:"drvPath"`
	Outputs    []string `json:"outputs"`
	HashModulo string   `json:"hashModulo"`
}

// validate checks what the shim cannot: that paths are where they must be.
func (r *Request) validate() error {
	if r.Src == "" {
		return &plan.Error{Kind: plan.KindBadArgument, Argument: "src", Message: "src is missing"}
	}
	if err := plan.CheckSrc(r.Src); err != nil {
		return err
	}
	inputs := []struct {
		name string
		si   StoreInput
	}{{"go", r.Go}, {"builder", r.Builder}}
	type named = struct {
		name string
		si   StoreInput
	}
	if r.CC != nil {
		inputs = append(inputs, named{"cc", *r.CC})
	}
	if r.PkgConfig != nil {
		inputs = append(inputs, named{"pkgConfig", *r.PkgConfig})
	}
	for _, in := range r.BuildInputs {
		inputs = append(inputs, named{"buildInputs", in})
	}
	if r.CGO && r.CC == nil {
		return &plan.Error{Kind: plan.KindBadArgument, Argument: "cc",
			Message: "cgo is on but no C toolchain (cc) was given"}
	}
	for _, in := range inputs {
		if !strings.HasPrefix(in.si.Path, nixstore.StoreDir+"/") || filepath.Clean(in.si.Path) != in.si.Path {
			return &plan.Error{Kind: plan.KindBadArgument, Argument: in.name,
				Message: fmt.Sprintf("%s must be a path in %s, not %q", in.name, nixstore.StoreDir, in.si.Path)}
		}
	}
	if r.System == "" {
		return &plan.Error{Kind: plan.KindBadArgument, Argument: "system", Message: "system is missing"}
	}
	return nil
}

// ReadWorkspace is src's go.work if r asks for workspace mode and src has
// one, else nil.
func (r *Request) ReadWorkspace() (*plan.Workspace, error) {
	if !r.Workspace {
		return nil, nil
	}
	return plan.ReadWorkspace(r.Src)
}

// PlanConfig is the plan configuration of r.
func (r *Request) PlanConfig() *plan.Config {
	cfg := &plan.Config{
		GoRoot:   r.Go.Path,
		Dir:      r.Src,
		Patterns: r.SubPackages,
		Excluded: r.ExcludedPackages,
		Tags:     r.Tags,
		Ldflags:  r.Ldflags,
		Gcflags:  r.Gcflags,
		Asmflags: r.Asmflags,
		GOOS:     r.GOOS,
		GOARCH:   r.GOARCH,
		CGO:      r.CGO,
		Tests:    r.Tests,
		LinkObj:  r.ContentAddressed,
		GoEnv:    r.GoEnv,
	}
	if r.CGO {
		cfg.CC = r.CC.Path + "/bin/cc"
		for _, in := range r.BuildInputs {
			cfg.Libraries = append(cfg.Libraries, in.Path)
		}
		if r.PkgConfig != nil {
			cfg.PkgConfig = r.PkgConfig.Path + "/bin/pkg-config"
		}
	}
	return cfg
}
