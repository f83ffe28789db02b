package modfetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strings"

	"golang.org/x/mod/module"
)

// errNotFound is a proxy's "no such module or version" (404/410): the next
// proxy in a comma-separated GOPROXY list is tried.
var errNotFound = errors.New("not found")

// proxyEntry is one element of GOPROXY with how to fall back from it.
type proxyEntry struct {
	url string
	// fallBackOnAnyError is true after "|", false after "," (only on 404/410).
	fallBackOnAnyError bool
}

// parseGOPROXY splits a GOPROXY value as cmd/go's proxyList does: "off"
// and "direct" end the list, and an entry with a dot, colon or slash but no
// ":/" gets "https://". "direct" (fetching from version control) is not
// supported: nix-gograph only speaks the proxy protocol, so it ends the list
// without adding anything.
func parseGOPROXY(value string) ([]proxyEntry, error) {
	if value == "" {
		value = "https://proxy.golang.org,direct"
	}
	var entries []proxyEntry
	for value != "" {
		end := strings.IndexAny(value, ",|")
		item, sep := value, byte(0)
		if end >= 0 {
			item, sep, value = value[:end], value[end], value[end+1:]
		} else {
			value = ""
		}
		item = strings.TrimSpace(item)
		switch item {
		case "":
			continue
		case "off":
			return append(entries, proxyEntry{url: "off"}), nil
		case "direct":
			return entries, nil
		}
		if strings.ContainsAny(item, ".:/") && !strings.Contains(item, ":/") && !path.IsAbs(item) {
			item = "https://" + item
		}
		// url.Parse's error quotes the entry, password included: never
		// print it.
		u, err := url.Parse(item)
		switch {
		case err != nil:
			return nil, fmt.Errorf("modfetch: GOPROXY entry %s is not a valid URL", redactURL(item))
		case u.Scheme == "file" && (u.Host != "" || u.User != nil || u.RawQuery != "" || u.Fragment != ""):
			return nil, fmt.Errorf("modfetch: invalid file:// proxy URL with non-path elements: %s", redactURL(item))
		case u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "file":
			return nil, fmt.Errorf("modfetch: invalid proxy URL scheme (must be https, http, file): %s", redactURL(item))
		}
		entries = append(entries, proxyEntry{url: strings.TrimSuffix(item, "/"), fallBackOnAnyError: sep == '|'})
	}
	return entries, nil
}

// download copies mod's go.mod (suffix ".mod") or zip (".zip") from the
// first proxy of GOPROXY that has it to w: a proxy's 404 or 410 moves on
// to the next entry; any other failure does so only after "|". Private
// modules (GONOPROXY, GOPRIVATE) are never requested, and Nix's policy is
// checked before the first request.
func (f *Fetcher) download(ctx context.Context, mod module.Version, suffix string, w sink) error {
	what, limit := "go.mod", f.modLimit
	if suffix == ".zip" {
		what, limit = "zip", f.zipLimit
	}
	if name := f.private(mod.Path); name != "" {
		return fmt.Errorf("%s is private: %s=%s%s matches it, and Go fetches private modules directly from version control, "+
			"which nix-gograph does not do (GOPROXY's \"direct\" is not supported); to fetch it from your GOPROXY, "+
			"set GONOPROXY to patterns that leave it out (GONOPROXY overrides GOPRIVATE)",
			mod, name, f.patternsOf(name), f.cfg.origin(name))
	}
	if !f.policyChecked {
		if err := f.checkPolicy(mod); err != nil {
			return err
		}
		f.policyChecked = true
	}
	escPath, err := module.EscapePath(mod.Path)
	if err != nil {
		return err
	}
	escVersion, err := module.EscapeVersion(mod.Version)
	if err != nil {
		return err
	}
	rel := escPath + "/@v/" + escVersion + suffix
	lastErr := fmt.Errorf("fetching %s %s: no GOPROXY entry serves it (GOPROXY=%q; \"direct\" is not supported)",
		mod, what, redactGOPROXY(f.cfg.GOPROXY))
	for _, p := range f.proxies {
		if p.url == "off" {
			return fmt.Errorf("module lookup disabled by GOPROXY=off: %s is not in the store", mod)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("fetching %s %s: %w", mod, what, err)
		}
		err := f.fetch(ctx, p.url, rel, limit, w)
		if err == nil {
			f.Fetches++
			return nil
		}
		// Each error names the URL, and so the proxy.
		lastErr = fmt.Errorf("fetching %s %s: %w", mod, what, redactError(err))
		if !errors.Is(err, errNotFound) && !p.fallBackOnAnyError {
			break
		}
		if err := w.reset(); err != nil {
			return err
		}
	}
	return lastErr
}

// patternsOf is the value of GONOPROXY or GOPRIVATE.
func (f *Fetcher) patternsOf(name string) string {
	if name == "GONOPROXY" {
		return f.cfg.GONOPROXY
	}
	return f.cfg.GOPRIVATE
}

// fetch copies <proxy>/<rel> to w: a file:// proxy's file, or an http(s)
// download.
func (f *Fetcher) fetch(ctx context.Context, proxy, rel string, limit int64, w io.Writer) error {
	u, err := url.Parse(proxy + "/" + rel)
	if err != nil {
		return errors.New("malformed proxy URL")
	}
	if u.Scheme != "file" {
		return f.fetchHTTP(ctx, u, limit, w)
	}
	where := redactURL(u.String())
	file, err := os.Open(u.Path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s: %w", where, errNotFound)
	} else if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	defer file.Close()
	n, err := io.Copy(w, io.LimitReader(file, limit+1))
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if n > limit {
		return tooLarge(where, limit)
	}
	return nil
}

// tooLarge is the error of a download of where above its limit.
func tooLarge(where string, limit int64) error {
	size := fmt.Sprintf("%d bytes", limit)
	if limit%(1<<20) == 0 {
		size = fmt.Sprintf("%d MiB", limit>>20)
	}
	return fmt.Errorf("%s: the file is larger than the limit of %s (a limit of the go command)", where, size)
}

// sink is where a download goes; reset empties it, for the next proxy.
type sink interface {
	io.Writer
	reset() error
}

// memSink is a sink in memory.
type memSink struct{ bytes.Buffer }

func (m *memSink) reset() error { m.Reset(); return nil }

// fileSink is a sink in a file.
type fileSink struct{ *os.File }

func (f fileSink) reset() error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.Seek(0, io.SeekStart)
	return err
}
