package modfetch

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/mod/module"
)

// ForbiddenError is a download Nix's evaluation policy forbids: any
// download when Nix runs offline, or a proxy not in allowed-uris under
// restrict-eval. Setting names the Nix setting.
type ForbiddenError struct {
	Mod     module.Version // the module that was to be downloaded
	Setting string         // "offline" or "allowed-uris"
	Message string         // what is forbidden and which setting allows it
}

// Error returns Message, which names the module and the setting.
func (e *ForbiddenError) Error() string { return e.Message }

// checkPolicy is called before the first request for mod: with Offline
// nothing may be downloaded; with RestrictEval every proxy of GOPROXY must
// be allowed by AllowedURIs, as builtins.fetchurl's URL must be.
func (f *Fetcher) checkPolicy(mod module.Version) error {
	if f.cfg.Offline {
		return &ForbiddenError{Mod: mod, Setting: "offline", Message: fmt.Sprintf(
			"%s is not in the Nix store or nix-gograph's module index, and Nix runs offline (--offline), "+
				"so it may not be downloaded", mod)}
	}
	if !f.cfg.RestrictEval {
		return nil
	}
	for _, p := range f.proxies {
		if p.url == "off" {
			continue
		}
		if !IsAllowedURI(uriForPolicy(p.url), f.cfg.AllowedURIs) {
			return &ForbiddenError{Mod: mod, Setting: "allowed-uris", Message: fmt.Sprintf(
				"fetching %s: access to the module proxy %s is forbidden in restricted mode (restrict-eval): "+
					"add it to the Nix setting allowed-uris", mod, redactURL(p.url))}
		}
	}
	return nil
}

// uriForPolicy is a proxy URL without its userinfo: allowed-uris names
// where a download comes from, and must not need a password written into
// it. file:// proxies are checked against allowed-uris too, which is
// stricter than Nix: Nix's checkURI would accept a file:// URL of an
// allowed path.
func uriForPolicy(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

// schemeName is RFC 3986's scheme name as Nix's isValidSchemeName accepts
// it (lower case only).
var schemeName = regexp.MustCompile(`^[a-z][a-z0-9+.-]*$`)

// IsAllowedURI reports whether uri is allowed by allowed-uris under
// restrict-eval. It is a port of Nix's isAllowedURI (src/libexpr/eval.cc,
// Nix 2.34.8): uri must equal a prefix, or extend it where the prefix ends
// in "/", where uri continues with "/", or where the prefix is a bare
// scheme ("https:"). So "https://github.co" does not allow
// "https://github.com".
func IsAllowedURI(uri string, allowed []string) bool {
	for _, prefix := range allowed {
		if uri == prefix {
			return true
		}
		if len(uri) > len(prefix) && len(prefix) > 0 && strings.HasPrefix(uri, prefix) &&
			(prefix[len(prefix)-1] == '/' || uri[len(prefix)] == '/' ||
				(prefix[len(prefix)-1] == ':' && schemeName.MatchString(prefix[:len(prefix)-1]))) {
			return true
		}
	}
	return false
}
