package gobuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// restoreCache copies the build cache of checkpoint into cache, writable,
// leaving out every output file ("<hash>-d") whose content does not hash to
// its name. It returns how many files it kept and left out.
func restoreCache(checkpoint, cache string) (kept, dropped int, err error) {
	from := filepath.Join(checkpoint, checkpointDir)
	if _, err := os.Stat(filepath.Join(from, "record.json")); err != nil {
		return 0, 0, fmt.Errorf("checkpoint %s is not a checkpoint of prepareCheckpointBuild (no %s/record.json): %w",
			checkpoint, checkpointDir, err)
	}
	from = filepath.Join(from, "gocache")
	err = filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("checkpoint %s: %w", checkpoint, err)
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		to := filepath.Join(cache, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		case !d.Type().IsRegular():
			dropped++
			return nil
		}
		ok, err := intact(p)
		if err != nil {
			return fmt.Errorf("checkpoint %s: %w", checkpoint, err)
		}
		if !ok {
			dropped++
			return nil
		}
		kept++
		return copyFile(p, to)
	})
	return kept, dropped, err
}

// intact reports whether the cache file p is what its name says: an output
// file must hash to its name; index entries ("-a") are checked by go itself
// (a damaged one is a miss).
func intact(p string) (bool, error) {
	name, isOutput := strings.CutSuffix(filepath.Base(p), "-d")
	if !isOutput {
		return true, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == name, nil
}

// copyCache copies a build cache's entries (not its bookkeeping files).
func copyCache(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		case !strings.HasSuffix(rel, "-a") && !strings.HasSuffix(rel, "-d"):
			return nil // README, trim.txt, testexpire.txt
		}
		return copyFile(p, filepath.Join(to, rel))
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
