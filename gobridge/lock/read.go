package lock

import (
	"encoding/json"
	"fmt"
	"os"
)

// FileName is the lock file's name next to go.mod, where the modes without
// the plugin look for it by default.
const FileName = "gograph.lock"

// Read reads and parses a lock file. A file of another version than Make
// writes is an error naming the file; a missing file is an error satisfying
// os.IsNotExist.
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("lock: %s: %w", path, err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("lock: %s: version %d, not 1 (the version gograph lock writes)", path, f.Version)
	}
	if f.Modules == nil {
		f.Modules = map[string]*Entry{}
	}
	for mod, e := range f.Modules {
		if e == nil {
			return nil, fmt.Errorf("lock: %s: module %s: null entry", path, mod)
		}
	}
	return &f, nil
}
