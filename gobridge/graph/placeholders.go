package graph

import (
	"crypto/sha256"
	"path"
	"strings"

	"github.com/nix-community/go-nix/pkg/nixbase32"
)

// The placeholders Nix writes for output paths not known at evaluation
// time (libstore's derivations.cc and downstream-placeholder.cc), which it
// replaces with the real paths when it builds.

// hashPlaceholder is what a content-addressed derivation's environment
// holds for its own output name (Nix's hashPlaceholder): the build
// directory Nix gives that output replaces it.
func hashPlaceholder(output string) string {
	return placeholder("nix-output:" + output)
}

// downstreamPlaceholder is what stands for the output of drvPath while it
// is not known (a floating content-addressed or deferred output): the
// output's attribute in Nix and the string a dependent's derivation holds,
// which Nix replaces with the built path when it resolves the dependent.
// Nix 2.8's downstreamPlaceholder, 2.34's
// DownstreamPlaceholder::unknownCaOutput.
func downstreamPlaceholder(drvPath, output string) string {
	base := path.Base(drvPath)
	hashPart, nameDrv, _ := strings.Cut(base, "-")
	name := strings.TrimSuffix(nameDrv, ".drv")
	if output != "out" {
		name += "-" + output
	}
	return placeholder("nix-upstream-output:" + hashPart + ":" + name)
}

// placeholder is how Nix renders both: "/" and the nix-base32 sha256 of
// clearText.
func placeholder(clearText string) string {
	sum := sha256.Sum256([]byte(clearText))
	return "/" + nixbase32.EncodeToString(sum[:])
}
