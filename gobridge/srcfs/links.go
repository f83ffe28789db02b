package srcfs

import (
	"errors"
	"io/fs"
	"path/filepath"
)

// OutsideLinks walks root without following any symlink and returns the
// symlinks (relative to root, slash-separated, in lexical order) whose
// target leaves root. Their targets are never looked at. A root that does
// not exist has none (whoever reads it reports that).
func OutsideLinks(root string) ([]string, error) {
	root = filepath.Clean(root)
	var links []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		if d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if _, _, err := Resolve(root, rel); IsOutside(err) {
			links = append(links, rel)
		}
		return nil
	})
	return links, err
}
