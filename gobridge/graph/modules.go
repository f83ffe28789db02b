package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/module"

	"github.com/nix-gograph/nix-gograph/gobridge/modfetch"
	"github.com/nix-gograph/nix-gograph/gobridge/nixstore"
	"github.com/nix-gograph/nix-gograph/gobridge/plan"
	"github.com/nix-gograph/nix-gograph/gobridge/plancache"
)

// modules is the third-party modules of a request: each module's content as
// a store path of its own, and the module-cache view go plans against.
type modules struct {
	view     string                // GOMODCACHE for planning (writeView)
	viewMods []modfetch.ViewModule // what writeView lays out there
	dirs     map[string]string     // module directory in view -> store path
	byModule map[module.Version]string
	sources  []Source
	fetches  int      // downloads (go.mod files and zips)
	fetched  []string // module versions that needed any download
}

// moduleIndexEntry remembers, per module version, the store path its
// content was added as and its go.mod, so a later evaluation needs no
// network. The go.mod is checked against go.sum. The store path is not
// hashed again when ZipSum, the go.sum hash its content was verified
// against when it entered the store, is go.sum's (a store path never
// changes); what is trusted is the entry, read only if it is this user's
// own file (plancache.ReadOwnFile). An entry without ZipSum, from an
// older planner, is checked once.
type moduleIndexEntry struct {
	StorePath string `json:"storePath"`
	ZipSum    string `json:"zipSum,omitempty"`
	GoMod     string `json:"goMod"`
}

// prepareModules makes every module go.sum lists available: go.mod files
// for all, content for those go.sum pins the content of (the modules a
// build of the main module can need). Modules whose store path is still
// present and matches go.sum are not fetched again.
func prepareModules(ctx context.Context, src, scratch string, policy *Policy) (*modules, error) {
	// Only a regular file inside src is read (srcguard.go), so a go.sum
	// leaving src is refused before a parse error could quote it.
	data, err := readSrcFile(src, "go.sum")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // no dependencies (or go will say which go.sum entry is missing)
	} else if err != nil {
		return nil, err
	}
	sums, err := modfetch.ParseGoSum(filepath.Join(src, "go.sum"), data)
	if err != nil {
		return nil, &plan.Error{Kind: plan.KindGoSum, Argument: "src", Message: err.Error()}
	}
	fetcher, err := modfetch.NewFetcher(fetchConfig(policy))
	if err != nil {
		return nil, &plan.Error{Kind: plan.KindModule, Message: err.Error()}
	}
	m := &modules{view: filepath.Join(scratch, "modcache"), dirs: map[string]string{}, byModule: map[module.Version]string{}}
	for _, mod := range sortedModules(sums) {
		// A module already in the store is not downloaded, so no fetch
		// would notice Ctrl-C: check between modules.
		if err := ctx.Err(); err != nil {
			return nil, moduleError(ctx, mod, err)
		}
		before := fetcher.Fetches
		vm, err := m.prepare(ctx, fetcher, sums[mod], filepath.Join(scratch, "extract"))
		if err != nil {
			return nil, moduleError(ctx, mod, err)
		}
		if fetcher.Fetches > before {
			m.fetched = append(m.fetched, mod.String())
		}
		m.viewMods = append(m.viewMods, vm)
	}
	m.fetches = fetcher.Fetches
	return m, nil
}

// paths maps each module version with content to its store path (none
// for no modules).
func (m *modules) paths() map[module.Version]string {
	if m == nil {
		return nil
	}
	return m.byModule
}

// writeView lays out the module cache go plans against (only a plan made
// afresh needs it).
func (m *modules) writeView() error {
	return modfetch.WriteView(m.view, m.viewMods)
}

// fetchConfig is the user's Go environment for fetching, bounded by Nix's
// policy: no download offline, and only from allowed-uris under
// restrict-eval.
func fetchConfig(policy *Policy) modfetch.Config {
	cfg := modfetch.ConfigFromEnv()
	if policy != nil {
		cfg.Offline, cfg.RestrictEval, cfg.AllowedURIs = policy.Offline, policy.RestrictEval, policy.AllowedURIs
	}
	return cfg
}

// moduleError classifies a failure to prepare mod: forbidden by Nix's
// policy, interrupted, or a module error.
func moduleError(ctx context.Context, mod module.Version, err error) error {
	var forbidden *modfetch.ForbiddenError
	switch {
	case errors.As(err, &forbidden):
		return &plan.Error{Kind: plan.KindForbidden, Package: mod.String(), Message: err.Error()}
	case ctx.Err() != nil:
		return &plan.Error{Kind: plan.KindInterrupted, Package: mod.String(), Message: err.Error()}
	}
	return &plan.Error{Kind: plan.KindModule, Package: mod.String(), Message: err.Error()}
}

func (m *modules) prepare(ctx context.Context, f *modfetch.Fetcher, sum *modfetch.Sum, extractRoot string) (modfetch.ViewModule, error) {
	mod := sum.Mod
	vm := modfetch.ViewModule{Mod: mod, ZipSum: sum.Zip}
	index := readModuleIndex(mod)
	known := index
	if sum.GoMod != "" && modfetch.CheckGoMod(mod, []byte(index.GoMod), sum.GoMod) == nil {
		vm.GoMod = []byte(index.GoMod)
	} else if sum.GoMod != "" {
		goMod, err := f.GoMod(ctx, mod, sum.GoMod)
		if err != nil {
			return vm, err
		}
		vm.GoMod, index.GoMod = goMod, string(goMod)
	}
	if sum.Zip != "" {
		name := "gomod-" + nixstore.SanitizeName(mod.Path+"-"+mod.Version)
		dir, storePath := index.StorePath, index.StorePath
		files := []string{} // none to add: the path is in the store
		switch {
		case filepath.Dir(dir) != nixstore.StoreDir || filepath.Clean(dir) != dir || !strings.HasSuffix(dir, "-"+name) || !isDir(dir):
			dir, storePath = "", ""
		case index.ZipSum == sum.Zip:
			// Verified against this very hash when it entered the store.
		case modfetch.CheckDir(mod, dir, sum.Zip) != nil:
			dir, storePath = "", ""
		}
		if storePath == "" {
			dir = filepath.Join(extractRoot, nixstore.SanitizeName(mod.Path+"@"+mod.Version))
			if err := f.Zip(ctx, mod, sum.Zip, dir); err != nil {
				return vm, err
			}
			var err error
			if files, err = listFiles(dir); err != nil {
				return vm, err
			}
			if storePath, err = nixstore.SourcePath(name, dir, files); err != nil {
				return vm, err
			}
		}
		index.StorePath, index.ZipSum = storePath, sum.Zip
		m.sources = append(m.sources, Source{Name: name, Root: dir, Files: files, Path: storePath})
		m.byModule[mod] = storePath
		vm.Dir = dir
		viewDir, err := viewModuleDir(m.view, mod)
		if err != nil {
			return vm, err
		}
		m.dirs[viewDir] = storePath
	}
	if index != known {
		writeModuleIndex(mod, index)
	}
	return vm, nil
}

// isDir reports whether p is a directory (following symlinks).
func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

func sortedModules(sums map[module.Version]*modfetch.Sum) []module.Version {
	mods := make([]module.Version, 0, len(sums))
	for m := range sums {
		mods = append(mods, m)
	}
	slices.SortFunc(mods, func(a, b module.Version) int {
		return strings.Compare(a.String(), b.String())
	})
	return mods
}

func viewModuleDir(view string, mod module.Version) (string, error) {
	esc, err := module.EscapePath(mod.Path)
	if err != nil {
		return "", err
	}
	v, err := module.EscapeVersion(mod.Version)
	if err != nil {
		return "", err
	}
	return filepath.Join(view, filepath.FromSlash(esc)+"@"+v), nil
}

// listFiles lists the regular files under dir, slash-separated and relative.
func listFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	return files, err
}

func moduleIndexFile(mod module.Version) string {
	cache, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(cache, "nix-gograph", "modules", nixstore.SanitizeName(mod.Path+"@"+mod.Version)+".json")
}

// maxIndexEntry bounds a module index entry (its go.mod is bounded by
// modfetch's limit for go.mod files, 16 MiB).
const maxIndexEntry = 32 << 20

func readModuleIndex(mod module.Version) moduleIndexEntry {
	var e moduleIndexEntry
	if file := moduleIndexFile(mod); file != "" {
		// Only an index entry no one else could have written is believed.
		if data, err := plancache.ReadOwnFile(file, maxIndexEntry); err == nil {
			json.Unmarshal(data, &e)
		}
	}
	return e
}

// writeModuleIndex records e; failing to is harmless (the module is fetched
// again next time).
func writeModuleIndex(mod module.Version, e moduleIndexEntry) {
	file := moduleIndexFile(mod)
	if file == "" || os.MkdirAll(filepath.Dir(file), 0o755) != nil {
		return
	}
	data, _ := json.Marshal(e)
	plancache.WriteOwnFile(file, data)
}
