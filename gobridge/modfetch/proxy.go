package modfetch

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
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

// parseGOPROXY splits a GOPROXY value. "direct" (fetching from version
// control) is not supported: nix-gograph only speaks the proxy protocol.
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
			entries = append(entries, proxyEntry{url: "off"})
		case "direct":
			// Modules the proxies lack would need a VCS checkout: report
			// them as not found rather than running git.
		default:
			if _, err := url.Parse(item); err != nil {
				return nil, fmt.Errorf("modfetch: GOPROXY entry %q: %w", item, err)
			}
			entries = append(entries, proxyEntry{url: strings.TrimSuffix(item, "/"), fallBackOnAnyError: sep == '|'})
		}
	}
	return entries, nil
}

// get fetches <proxy>/<escaped module>/@v/<escaped version><suffix> from the
// first proxy that has it.
func (f *Fetcher) get(mod module.Version, suffix string) ([]byte, error) {
	escPath, err := module.EscapePath(mod.Path)
	if err != nil {
		return nil, err
	}
	escVersion, err := module.EscapeVersion(mod.Version)
	if err != nil {
		return nil, err
	}
	rel := escPath + "/@v/" + escVersion + suffix
	proxies := f.proxies
	if f.noProxy(mod.Path) {
		proxies = nil
	}
	lastErr := fmt.Errorf("no GOPROXY entry serves %s (GOPROXY=%q)", mod, f.cfg.GOPROXY)
	for _, p := range proxies {
		if p.url == "off" {
			return nil, fmt.Errorf("module lookup disabled by GOPROXY=off: %s is not in the store", mod)
		}
		data, err := f.getURL(p.url+"/"+rel, f.insecure(mod.Path))
		if err == nil {
			return data, nil
		}
		lastErr = err
		if !errors.Is(err, errNotFound) && !p.fallBackOnAnyError {
			break
		}
	}
	what := map[string]string{".mod": "go.mod", ".zip": "zip"}[suffix]
	return nil, fmt.Errorf("fetching %s %s: %w", mod, what, lastErr)
}

// insecure reports whether GOINSECURE lets path be fetched without TLS
// verification.
func (f *Fetcher) insecure(path string) bool {
	return f.cfg.GOINSECURE != "" && module.MatchPrefixPatterns(f.cfg.GOINSECURE, path)
}

// getURL reads a file:// or http(s):// URL, with netrc credentials.
func (f *Fetcher) getURL(rawURL string, insecure bool) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "file" {
		data, err := os.ReadFile(u.Path)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", rawURL, errNotFound)
		}
		return data, err
	}
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	if login, ok := f.netrc[u.Hostname()]; ok {
		req.SetBasicAuth(login.user, login.password)
	}
	client := f.client
	if insecure {
		client = f.insecureClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, fmt.Errorf("%s: %s: %w", u.Redacted(), resp.Status, errNotFound)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%s: %s", u.Redacted(), resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxDownload))
}

// maxDownload bounds any download (x/mod/zip's own limit on a module zip
// is 500 MiB).
const maxDownload = 512 << 20
