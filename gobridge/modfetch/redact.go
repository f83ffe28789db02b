package modfetch

import (
	"errors"
	"net/url"
	"strings"
)

// redactURL is rawURL with its password replaced by "xxxxx", as
// url.URL.Redacted does, and a user name that comes without a password
// (often a token: https://TOKEN@proxy) replaced too. A string that does not
// parse as a URL has its whole userinfo replaced, so nothing between "//"
// and the last "@" of the authority is printed.
func redactURL(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.Opaque == "" {
		if _, hasPassword := u.User.Password(); u.User != nil && !hasPassword {
			u.User = url.User("xxxxx")
		}
		return u.Redacted()
	}
	scheme, rest, ok := strings.Cut(rawURL, "//")
	if !ok {
		if i := strings.LastIndexByte(rawURL, '@'); i >= 0 {
			return "xxxxx" + rawURL[i:]
		}
		return rawURL
	}
	authority, path := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = "xxxxx" + authority[i:]
	}
	return scheme + "//" + authority + path
}

// redactGOPROXY is a GOPROXY value with each entry's password redacted.
func redactGOPROXY(value string) string {
	var b strings.Builder
	for value != "" {
		end := strings.IndexAny(value, ",|")
		item := value
		if end >= 0 {
			item = value[:end]
		}
		b.WriteString(redactURL(item))
		if end < 0 {
			break
		}
		b.WriteByte(value[end])
		value = value[end+1:]
	}
	return b.String()
}

// redactError makes the URL of any *url.Error in err's chain (the http
// client's errors quote the request URL) redacted.
func redactError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		uerr.URL = redactURL(uerr.URL)
	}
	return err
}
