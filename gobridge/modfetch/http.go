package modfetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// errStalled cancels a download that sent nothing for Fetcher.stall.
var errStalled = errors.New("stalled")

// fetchHTTP downloads u to w, at most limit bytes, the way cmd/go's web
// package does for a proxy:
//
//   - credentials (GOAUTH, or the URL's own user:password) go only over
//     https; a plain http:// URL holding user information is refused;
//   - a redirect from https to another scheme is refused, and credentials
//     are dropped on any redirect to another scheme or host:port;
//   - TLS is always verified (GOINSECURE does not apply to proxies);
//   - with a GOAUTH command, a 4xx answer is retried once after running
//     the command with the URL;
//   - a proxy that sends nothing for f.stall is a timeout, and ctx ends
//     the download.
func (f *Fetcher) fetchHTTP(ctx context.Context, u *url.URL, limit int64, w io.Writer) error {
	if u.User != nil && u.Scheme != "https" {
		return fmt.Errorf("refusing to pass credentials to insecure URL: %s", redactURL(u.String()))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(f.stall, func() { cancel(errStalled) })
	defer watchdog.Stop()

	res, err := f.do(ctx, u, nil, watchdog)
	if err == nil && u.Scheme == "https" && res.StatusCode >= 400 && res.StatusCode < 500 && f.auth.hasCommand() {
		res.Body.Close()
		res, err = f.do(ctx, u, res, watchdog)
	}
	where := redactURL(u.String())
	if err != nil {
		return f.interrupted(ctx, where, redactError(err))
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone:
		return fmt.Errorf("%s: %s: %w", where, res.Status, errNotFound)
	case res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden:
		return fmt.Errorf("%s: %s%s", where, res.Status, f.authHint(res.StatusCode, res.Request))
	case res.StatusCode != http.StatusOK:
		return fmt.Errorf("%s: %s", where, res.Status)
	case res.ContentLength > limit:
		return tooLarge(where, limit)
	}
	n, err := io.Copy(w, io.LimitReader(&stallReader{r: res.Body, watchdog: watchdog, stall: f.stall}, limit+1))
	if err != nil {
		// net/http does not say which URL a body read failed on.
		return f.interrupted(ctx, where, &url.Error{Op: "read", URL: where, Err: err})
	}
	if n > limit {
		return tooLarge(where, limit)
	}
	// A body cut short by a cancellation can read as a clean end.
	if context.Cause(ctx) != nil {
		return f.interrupted(ctx, where, nil)
	}
	if res.ContentLength >= 0 && n != res.ContentLength {
		return fmt.Errorf("%s: got %d bytes of %d", where, n, res.ContentLength)
	}
	return nil
}

// do sends one GET for u with the credentials GOAUTH has for it (after
// running GOAUTH again with the refused response, if not nil). The stall
// watchdog is paused while GOAUTH runs: a command may take its time.
func (f *Fetcher) do(ctx context.Context, u *url.URL, refused *http.Response, watchdog *time.Timer) (*http.Response, error) {
	target := *u
	user := target.User
	target.User = nil
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return nil, err
	}
	if target.Scheme == "https" {
		watchdog.Stop()
		creds, err := f.auth.headers(ctx, &target, refused)
		watchdog.Reset(f.stall)
		if err != nil {
			return nil, err
		}
		for name, values := range creds {
			req.Header[name] = values
		}
		// As net/http does with a URL's userinfo: only without other
		// credentials.
		if user != nil && req.Header.Get("Authorization") == "" {
			password, _ := user.Password()
			req.SetBasicAuth(user.Username(), password)
		}
	}
	secret := credentialNames(req.Header)
	client := &http.Client{Transport: f.transport, CheckRedirect: func(next *http.Request, via []*http.Request) error {
		return checkRedirect(next, via, secret)
	}}
	return client.Do(req)
}

// checkRedirect is the redirect policy: at most 10 redirects; https to
// anything else is refused (as cmd/go refuses it); the credential headers
// secret are removed when the scheme or host:port changes.
func checkRedirect(next *http.Request, via []*http.Request, secret []string) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first, last := via[0].URL, via[len(via)-1].URL
	if first.Scheme == "https" && next.URL.Scheme != "https" {
		return fmt.Errorf("redirected from secure URL %s to insecure URL %s",
			redactURL(last.String()), redactURL(next.URL.String()))
	}
	if next.URL.Scheme != first.Scheme || next.URL.Host != first.Host {
		for _, name := range secret {
			next.Header.Del(name)
		}
	}
	return nil
}

// interrupted turns a failure of the download of where caused by ctx into
// the reason: a stall timeout, or the caller's cancellation (wrapped, so
// errors.Is finds context.Canceled).
func (f *Fetcher) interrupted(ctx context.Context, where string, err error) error {
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errStalled):
		return fmt.Errorf("%s: timed out: the proxy sent nothing for %v", where, f.stall)
	case cause != nil:
		return fmt.Errorf("%s: interrupted: %w", where, cause)
	}
	return err
}

// authHint explains a 401 by the credentials the (last, after redirects)
// request carried, or why it carried none; a 403 only when credentials
// were sent (public proxies answer 403 for modules they refuse to serve).
func (f *Fetcher) authHint(status int, req *http.Request) string {
	sent := false
	for name := range req.Header {
		sent = sent || name != "Referer"
	}
	switch {
	case status == http.StatusForbidden && !sent:
		return ""
	case req.URL.Scheme != "https":
		return " (credentials are sent only over https)"
	case f.auth.off():
		return " (GOAUTH=off: no credentials were sent)"
	case sent:
		return " (the credentials GOAUTH=" + f.auth.goauth + " gives for " + req.URL.Host + " were refused)"
	}
	if failed := f.auth.failures(); failed != "" {
		return " (no credentials were sent: " + failed + ")"
	}
	return " (no credentials were sent: GOAUTH=" + f.auth.goauth + " has none for " + req.URL.Host + ")"
}

// stallReader resets the stall watchdog whenever data arrives.
type stallReader struct {
	r        io.Reader
	watchdog *time.Timer
	stall    time.Duration
}

// Read reads from the body, restarting the watchdog if any data came.
func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.watchdog.Reset(s.stall)
	}
	return n, err
}
