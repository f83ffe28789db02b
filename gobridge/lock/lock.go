// Package lock writes nix-gograph's lock file: one Nix hash per module, for
// the modes that run without the plugin and so cannot fetch at evaluation
// time. Each module version with content becomes one fixed-output derivation
// whose hash is the NAR hash of the extracted module directory — exactly
// what `nix-hash --type sha256 <dir>` prints — and each go.mod a flat one.
//
// The file is JSON:
//
//	{
//	  "version": 1,
//	  "modules": {
//	    "github.com/google/uuid@v1.6.0": {
//	      "h1": "h1:…",                  // go.sum's hash of the content
//	      "narHash": "<sha256 hex>",      // nix-hash --type sha256 of the extracted module
//	      "goModHash": "<sha256 hex>"     // sha256 of its go.mod file
//	    }
//	  }
//	}
//
// Modules go.sum lists only for their go.mod have no "h1" or "narHash";
// modules it lists only for their content have no "goModHash".
package lock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nix-community/go-nix/pkg/nar"
	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
)

// File is the lock file.
type File struct {
	Version int               `json:"version"`
	Modules map[string]*Entry `json:"modules"`
}

// Entry is one module version's hashes.
type Entry struct {
	H1        string `json:"h1,omitempty"`
	NarHash   string `json:"narHash,omitempty"`
	GoModHash string `json:"goModHash,omitempty"`
}

// Make fetches every module the go.sum of the module in dir lists (verified
// against go.sum) and returns their Nix hashes. It stops when ctx is done.
// With workspace, if dir holds a go.work, the lock covers every go.sum of
// the workspace and go.work.sum (GoSums).
func Make(ctx context.Context, dir string, workspace bool, cfg modfetch.Config) (*File, error) {
	sums, err := GoSums(dir, workspace)
	if err != nil {
		return nil, err
	}
	f, err := modfetch.NewFetcher(cfg)
	if err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp("", "gograph-lock-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	lock := &File{Version: 1, Modules: map[string]*Entry{}}
	for mod, sum := range sums {
		e := &Entry{H1: sum.Zip}
		if sum.GoMod != "" { // go.sum may pin a module's content only
			goMod, err := f.GoMod(ctx, mod, sum.GoMod)
			if err != nil {
				return nil, err
			}
			e.GoModHash = sha256Hex(goMod)
		}
		if sum.Zip != "" {
			extracted := filepath.Join(scratch, fmt.Sprint(len(lock.Modules)))
			if err := f.Zip(ctx, mod, sum.Zip, extracted); err != nil {
				return nil, err
			}
			if e.NarHash, err = NarHash(extracted); err != nil {
				return nil, err
			}
		}
		lock.Modules[mod.String()] = e
	}
	return lock, nil
}

// NarHash is the sha256 of dir's NAR serialisation, in hex: what
// `nix-hash --type sha256 dir` prints.
func NarHash(dir string) (string, error) {
	h := sha256.New()
	if err := nar.DumpPath(h, dir); err != nil {
		return "", fmt.Errorf("lock: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// GoSums are the go.sum records of the module or workspace in dir: its
// go.sum, or, with workspace and a go.work in dir, the union of the
// workspace modules' go.sum files and go.work.sum (plan.ReadGoSums) — the
// modules buildGoApplication's workspace argument builds with.
func GoSums(dir string, workspace bool) (map[module.Version]*modfetch.Sum, error) {
	var ws *plan.Workspace
	if workspace {
		var err error
		if ws, err = plan.ReadWorkspace(dir); err != nil {
			return nil, err
		}
	}
	return plan.ReadGoSums(dir, ws)
}
