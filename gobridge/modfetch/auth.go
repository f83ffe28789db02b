package modfetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
)

// auth holds the credentials GOAUTH provides, as cmd/go/internal/auth does:
// HTTP headers per URL prefix ("host[:port][/path]", without "https://"),
// sent only over https and only to URLs under their prefix. GOAUTH is a
// ";"-separated list of methods, the earlier winning where two give
// credentials for one prefix (`go help goauth`):
//
//   - off: no credentials at all (only on its own);
//   - netrc (the default): the netrc file's machine entries, each for the
//     prefix "machine" — so for that host, on the default port unless the
//     machine names one ("proxy.corp:8443");
//   - any other command line: run, it prints blocks of URL lines, an
//     empty line, "Name: value" header lines and an empty line.
//
// cmd/go's "git dir" method is not supported: it would run git.
//
// A GOAUTH command, like the netrc file, is the evaluating user's own
// configuration (their environment or go env file), never something the
// evaluated Nix expression chose; it runs outside the planning sandbox,
// with the user's environment, because fetching credentials is its job.
type auth struct {
	goauth  string
	methods []string // GOAUTH's methods, in the order cmd/go runs them
	err     error    // GOAUTH cannot be used (reported at the first https request)
	netrc   string   // the netrc file

	mu          sync.Mutex
	initialized bool
	credentials map[string]http.Header
	// cmdErrs are the failures of the last GOAUTH run, reported if a
	// request then fails for want of credentials.
	cmdErrs []error
}

func newAuth(goauth, netrc string) *auth {
	a := &auth{goauth: goauth, netrc: netrc, credentials: map[string]http.Header{}}
	if goauth == "" {
		goauth = "netrc"
	}
	a.goauth = goauth
	methods := strings.Split(goauth, ";")
	// cmd/go runs them in reverse, so the first-listed's credentials are
	// stored last and win.
	slices.Reverse(methods)
	for _, m := range methods {
		m = strings.TrimSpace(m)
		words := strings.Fields(m)
		switch {
		case len(words) == 0:
			a.err = fmt.Errorf("GOAUTH=%s has an empty command", goauth)
		case words[0] == "off" && len(methods) != 1:
			a.err = fmt.Errorf("GOAUTH=off cannot be combined with other authentication commands (GOAUTH=%s)", goauth)
		case words[0] == "git":
			a.err = fmt.Errorf("GOAUTH=%s: the git method is not supported by nix-gograph (it would run git); "+
				"use netrc or a GOAUTH command", goauth)
		}
		if a.err != nil {
			return a
		}
		a.methods = append(a.methods, m)
	}
	return a
}

// off reports whether GOAUTH=off.
func (a *auth) off() bool { return len(a.methods) == 1 && a.methods[0] == "off" }

// hasCommand reports whether a GOAUTH command is configured (so a request
// refused with a 4xx status is retried after running it with the URL).
func (a *auth) hasCommand() bool {
	for _, m := range a.methods {
		if m != "off" && m != "netrc" {
			return true
		}
	}
	return false
}

// headers returns the credentials for the https URL u: after running every
// GOAUTH method once, and again with u and the refused response res when
// res is not nil (cmd/go's AddCredentials).
func (a *auth) headers(ctx context.Context, u *url.URL, res *http.Response) (http.Header, error) {
	if u.Scheme != "https" {
		panic("modfetch: credentials asked for a URL that is not https")
	}
	if a.err != nil {
		return nil, a.err
	}
	if a.off() {
		return nil, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.initialized {
		a.initialized = true
		a.run(ctx, "", nil)
	}
	if res != nil {
		a.run(ctx, u.String(), res)
	}
	return a.lookup(u), nil
}

// run runs the GOAUTH methods (cmd/go's runGoAuth).
func (a *auth) run(ctx context.Context, rawURL string, res *http.Response) {
	a.cmdErrs = nil
	for _, m := range a.methods {
		switch m {
		case "netrc":
			data, err := os.ReadFile(a.netrc)
			if err != nil {
				if !errors.Is(err, os.ErrNotExist) {
					a.cmdErrs = append(a.cmdErrs, fmt.Errorf("GOAUTH=netrc: %w", err))
				}
				continue
			}
			lines := parseNetrc(string(data))
			// The earlier entry for a machine wins, as in cmd/go.
			for i := len(lines) - 1; i >= 0; i-- {
				r := http.Request{Header: http.Header{}}
				r.SetBasicAuth(lines[i].login, lines[i].password)
				a.store(lines[i].machine, r.Header)
			}
		default:
			creds, err := runAuthCommand(ctx, m, rawURL, res)
			if err != nil {
				a.cmdErrs = append(a.cmdErrs, fmt.Errorf("GOAUTH=%s: %w", m, err))
				continue
			}
			for prefix, h := range creds {
				a.store(prefix, h)
			}
		}
	}
}

// store records (or, with no headers, forgets) the credentials for a
// prefix (cmd/go's storeCredential).
func (a *auth) store(prefix string, h http.Header) {
	prefix = strings.TrimSuffix(strings.TrimPrefix(prefix, "https://"), "/")
	if len(h) == 0 {
		delete(a.credentials, prefix)
	} else {
		a.credentials[prefix] = h
	}
}

// lookup finds the credentials of the longest prefix of u, cutting it at
// slashes: host:port/a/b, host:port/a, host:port (cmd/go's
// loadCredential). The host must match exactly, port included.
func (a *auth) lookup(u *url.URL) http.Header {
	v := *u
	v.User = nil
	prefix := strings.TrimSuffix(strings.TrimPrefix(v.String(), "https://"), "/")
	for {
		if h, ok := a.credentials[prefix]; ok {
			return h.Clone()
		}
		i := strings.LastIndexByte(prefix, '/')
		if i < 0 {
			return nil
		}
		prefix = prefix[:i]
	}
}

// failures describes why GOAUTH gave no credentials, for an error message
// ("" when nothing failed).
func (a *auth) failures() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var msgs []string
	for _, err := range a.cmdErrs {
		msgs = append(msgs, err.Error())
	}
	return strings.Join(msgs, "; ")
}

// runAuthCommand runs a GOAUTH command (cmd/go's runAuthCommand): its words
// split as cmd/go splits them, the URL appended when there is one, and the
// refused response's status line and headers on its standard input.
func runAuthCommand(ctx context.Context, command, rawURL string, res *http.Response) (map[string]http.Header, error) {
	words, err := splitQuoted(command)
	if err != nil {
		return nil, fmt.Errorf("cannot parse GOAUTH command: %w", err)
	}
	if rawURL != "" {
		words = append(words, rawURL)
	}
	// Deliberately not sandboxed: see the auth type.
	cmd := exec.CommandContext(ctx, words[0], words[1:]...)
	// Its standard error is dropped, not quoted: a helper may print its
	// token when it fails. cmd/go keeps it in the error of its
	// runAuthCommand (internal/auth/userauth.go), but shows GOAUTH errors
	// only under go -x (runGoAuth in internal/auth/auth.go), never in the
	// failure it reports; ours always reach Nix's error message. (With a
	// nil Stderr, Output would keep it in the *exec.ExitError.)
	cmd.Stderr = io.Discard
	if res != nil {
		var in strings.Builder
		in.WriteString(res.Proto + " " + res.Status + "\n")
		for k, v := range res.Header {
			in.WriteString(k + ": " + strings.Join(v, ", ") + "\n")
		}
		in.WriteString("\n")
		cmd.Stdin = strings.NewReader(in.String())
	}
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		// The caller names the command ("GOAUTH=…: exit status 1").
		return nil, fmt.Errorf("%w (its standard error is not shown: it may hold a credential)", err)
	} else if err != nil {
		return nil, err // it could not be started
	}
	creds, err := parseUserAuth(string(out))
	if err != nil {
		return nil, fmt.Errorf("cannot parse its output: %w", err)
	}
	return creds, nil
}

// parseUserAuth parses a GOAUTH command's output (cmd/go's parseUserAuth):
// blocks of one or more URLs, an empty line, header lines ("Name: value")
// and an empty line. It returns the headers per prefix, without "https://".
// Error messages never quote a header line: it holds a secret.
func parseUserAuth(data string) (map[string]http.Header, error) {
	credentials := map[string]http.Header{}
	for data != "" {
		var line string
		var ok bool
		var urls []string
		for {
			line, data, ok = strings.Cut(data, "\n")
			if !ok {
				return nil, errors.New("invalid format: missing empty line after URLs")
			}
			if line == "" {
				break
			}
			u, err := url.ParseRequestURI(line)
			if err != nil {
				return nil, errors.New("invalid format: a URL line is not a URL")
			}
			urls = append(urls, u.String())
		}
		header := http.Header{}
		for {
			line, data, ok = strings.Cut(data, "\n")
			if !ok {
				return nil, errors.New("invalid format: missing empty line after headers")
			}
			if line == "" {
				break
			}
			name, value, ok := strings.Cut(line, ": ")
			value = strings.TrimSpace(value)
			if !ok || !validHeaderFieldName(name) || !validHeaderFieldValue(value) {
				return nil, errors.New("invalid format: invalid header line")
			}
			header.Add(name, value)
		}
		for _, p := range urls {
			credentials[strings.TrimPrefix(p, "https://")] = header.Clone()
		}
	}
	return credentials, nil
}

// splitQuoted splits a command line as cmd/internal/quoted.Split does:
// fields separated by white space, optionally in single or double quotes,
// with no unescaping.
func splitQuoted(s string) ([]string, error) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	var f []string
	for len(s) > 0 {
		for len(s) > 0 && isSpace(s[0]) {
			s = s[1:]
		}
		if len(s) == 0 {
			break
		}
		if s[0] == '"' || s[0] == '\'' {
			quote := s[0]
			s = s[1:]
			i := strings.IndexByte(s, quote)
			if i < 0 {
				return nil, fmt.Errorf("unterminated %c string", quote)
			}
			f = append(f, s[:i])
			s = s[i+1:]
			continue
		}
		i := 0
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
		f = append(f, s[:i])
		s = s[i:]
	}
	if len(f) == 0 {
		return nil, errors.New("empty command")
	}
	return f, nil
}

// validHeaderFieldName reports whether v is an HTTP token (RFC 7230).
func validHeaderFieldName(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// validHeaderFieldValue reports whether v holds no control byte other than
// a space or tab.
func validHeaderFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < ' ' || b == 0x7f) && b != '\t' {
			return false
		}
	}
	return true
}

// credentialNames are the names of headers in h, to strip on a redirect.
func credentialNames(h http.Header) []string { return slices.Sorted(maps.Keys(h)) }
