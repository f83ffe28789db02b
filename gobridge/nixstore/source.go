// Package nixstore computes Nix store paths in Go, so the planner can name
// the store paths of sources and derivations before the plugin writes them.
// The formats are Nix's own (see the Nix manual, "Store Path"); NAR
// serialisation, base-32 and hash compression come from go-nix.
package nixstore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nix-community/go-nix/pkg/nar"
	"github.com/nix-community/go-nix/pkg/nixhash"
	"github.com/nix-community/go-nix/pkg/storepath"
)

// StoreDir is the store every path is computed for.
const StoreDir = storepath.StoreDir

// SourcePath returns the store path Nix gives the directory root, holding
// only files (slash-separated paths relative to root) and the directories
// leading to them, when added recursively with sha256 as name — what
// builtins.path with a filter admitting exactly those files returns.
func SourcePath(name, root string, files []string) (string, error) {
	admit := admittedPaths(root, files)
	h := sha256.New()
	err := nar.DumpPathFilter(h, root, func(p string, _ nar.NodeType) bool {
		return admit[filepath.Clean(p)]
	})
	if err != nil {
		return "", fmt.Errorf("nixstore: hashing %s: %w", root, err)
	}
	return MakeStorePath("source", h.Sum(nil), name), nil
}

// admittedPaths is the set of absolute paths a source filter for files admits.
func admittedPaths(root string, files []string) map[string]bool {
	root = filepath.Clean(root)
	admit := map[string]bool{root: true}
	for _, f := range files {
		for p := filepath.Join(root, filepath.FromSlash(f)); p != root && !admit[p]; p = filepath.Dir(p) {
			admit[p] = true
		}
	}
	return admit
}

// MakeStorePath is Nix's makeStorePath: the path of kind typ (e.g. "source",
// "text:<refs>", "output:out") whose inner hash is sha256 inner.
func MakeStorePath(typ string, inner []byte, name string) string {
	fingerprint := typ + ":sha256:" + hex.EncodeToString(inner) + ":" + StoreDir + ":" + name
	digest := sha256.Sum256([]byte(fingerprint))
	p := storepath.StorePath{Name: name, Digest: nixhash.CompressHash(digest[:], 20)}
	return p.Absolute()
}

var invalidNameChars = regexp.MustCompile(`[^A-Za-z0-9+\-._?=]`)

// SanitizeName turns s (an import path, say) into a valid store path name:
// slashes become dashes, other invalid characters underscores, a leading dot
// is escaped and the result is at most 200 bytes.
func SanitizeName(s string) string {
	s = strings.ReplaceAll(s, "/", "-")
	s = invalidNameChars.ReplaceAllString(s, "_")
	if strings.HasPrefix(s, ".") {
		s = "_" + s
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
