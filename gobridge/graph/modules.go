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

// prepareModules makes every module go.sum (in a workspace ws, the
// workspace's go.sum files, plan.SumFiles) lists available: go.mod files
// for all, content for those go.sum pins the content of (the modules a
// build of the main module can need). Modules whose store path is still
// present and matches go.sum are not fetched again.
func prepareModules(ctx context.Context, src string, ws *plan.Workspace, scratch string, policy *Policy) (*modules, error) {
	// Only regular files inside src are read (srcfs), so a go.sum leaving
	// src is refused before a parse error could quote it.
	sums, err := plan.ReadGoSums(src, ws)
	if err != nil {
		return nil, err
	}
	if len(sums) == 0 {
		return nil, nil // no dependencies (or go will say which go.sum entry is missing)
	}
	fetcher, err := modfetch.NewFetcher(fetchConfig(policy))
	if err != nil {
		return nil, &plan.Error{Kind: plan.KindModule, Message: err.Error()}
	}
	m := &modules{view: filepath.Join(scratch, "modcache"), dirs: map[string]string{}, byModule: map[module.Version]string{}}
	// What the store and the module index hold is looked up first, so
	// each download is reported with its number among all of them.
	mods := sortedModules(sums)
	locals := make([]heldModule, len(mods))
	toFetch := 0
	for i, mod := range mods {
		if err := ctx.Err(); err != nil {
			return nil, moduleError(ctx, mod, err)
		}
		locals[i] = lookUpHeld(mod, sums[mod])
		if locals[i].needsFetch(sums[mod]) {
			toFetch++
		}
	}
	for i, mod := range mods {
		// A module already in the store is not downloaded, so no fetch
		// would notice Ctrl-C: check between modules.
		if err := ctx.Err(); err != nil {
			return nil, moduleError(ctx, mod, err)
		}
		stop := func() {}
		if locals[i].needsFetch(sums[mod]) {
			m.fetched = append(m.fetched, mod.String())
			stop = startStep(ctx, LevelInfo, fetchText(mod.String(), len(m.fetched), toFetch))
		}
		vm, err := m.prepare(ctx, fetcher, sums[mod], locals[i], filepath.Join(scratch, "extract"))
		stop()
		if err != nil {
			return nil, moduleError(ctx, mod, err)
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

// heldModule is what the module index and the store already hold of a
// module version, verified against go.sum.
type heldModule struct {
	index     moduleIndexEntry // the index entry, as read
	goMod     []byte           // the go.mod, if go.sum pins it and the index holds it
	storePath string           // the store path holding the module's content, if any
}

// lookUpHeld finds what of mod need not be downloaded: its go.mod if the
// index holds the one go.sum pins, and its content if the store path the
// index names is still there and matches go.sum.
func lookUpHeld(mod module.Version, sum *modfetch.Sum) heldModule {
	l := heldModule{index: readModuleIndex(mod)}
	if sum.GoMod != "" && modfetch.CheckGoMod(mod, []byte(l.index.GoMod), sum.GoMod) == nil {
		l.goMod = []byte(l.index.GoMod)
	}
	if sum.Zip != "" {
		name := "gomod-" + nixstore.SanitizeName(mod.Path+"-"+mod.Version)
		dir := l.index.StorePath
		switch {
		case filepath.Dir(dir) != nixstore.StoreDir || filepath.Clean(dir) != dir || !strings.HasSuffix(dir, "-"+name) || !isDir(dir):
		case l.index.ZipSum == sum.Zip:
			// Verified against this very hash when it entered the store.
			l.storePath = dir
		case modfetch.CheckDir(mod, dir, sum.Zip) == nil:
			l.storePath = dir
		}
	}
	return l
}

// needsFetch reports whether anything go.sum pins of the module must be
// downloaded.
func (l *heldModule) needsFetch(sum *modfetch.Sum) bool {
	return (sum.GoMod != "" && l.goMod == nil) || (sum.Zip != "" && l.storePath == "")
}

// prepare makes the module sum describes available, downloading what
// local lacks.
func (m *modules) prepare(ctx context.Context, f *modfetch.Fetcher, sum *modfetch.Sum, local heldModule, extractRoot string) (modfetch.ViewModule, error) {
	mod := sum.Mod
	vm := modfetch.ViewModule{Mod: mod, ZipSum: sum.Zip, GoMod: local.goMod}
	index := local.index
	if sum.GoMod != "" && local.goMod == nil {
		goMod, err := f.GoMod(ctx, mod, sum.GoMod)
		if err != nil {
			return vm, err
		}
		vm.GoMod, index.GoMod = goMod, string(goMod)
	}
	if sum.Zip != "" {
		name := "gomod-" + nixstore.SanitizeName(mod.Path+"-"+mod.Version)
		dir, storePath := local.storePath, local.storePath
		files := []string{} // none to add: the path is in the store
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
	if index != local.index {
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
