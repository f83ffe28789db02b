package modfetch

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/module"
)

// ViewModule is one module version in a module-cache view.
type ViewModule struct {
	Mod   module.Version // the module version
	GoMod []byte         // the module's go.mod file, as the proxy serves it
	// ZipSum is go.sum's h1: hash of the module's content and Dir its
	// extracted files (a store path); both empty when go only needs the
	// module's go.mod.
	ZipSum string
	Dir    string
}

// WriteView lays out root as a GOMODCACHE holding mods, so the go command can
// plan with GOPROXY=off and never touch the network or the user's own module
// cache: go.mod and .info files under cache/download, the .ziphash go checks
// against go.sum, and each module directory as a symlink to its store path.
func WriteView(root string, mods []ViewModule) error {
	for _, vm := range mods {
		if err := writeViewModule(root, vm); err != nil {
			return fmt.Errorf("modfetch: module cache view: %s: %w", vm.Mod, err)
		}
	}
	return nil
}

func writeViewModule(root string, vm ViewModule) error {
	escPath, err := module.EscapePath(vm.Mod.Path)
	if err != nil {
		return err
	}
	escVersion, err := module.EscapeVersion(vm.Mod.Version)
	if err != nil {
		return err
	}
	dl := filepath.Join(root, "cache", "download", filepath.FromSlash(escPath), "@v")
	if err := os.MkdirAll(dl, 0o755); err != nil {
		return err
	}
	info, _ := json.Marshal(map[string]string{"Version": vm.Mod.Version})
	files := map[string][]byte{escVersion + ".mod": vm.GoMod, escVersion + ".info": info}
	if vm.Dir != "" {
		files[escVersion+".ziphash"] = []byte(vm.ZipSum)
		link := filepath.Join(root, filepath.FromSlash(escPath)+"@"+escVersion)
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			return err
		}
		if err := os.Symlink(vm.Dir, link); err != nil && !os.IsExist(err) {
			return err
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dl, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
