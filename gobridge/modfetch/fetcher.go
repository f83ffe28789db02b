package modfetch

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// Config is the module-fetching part of the user's Go environment.
type Config struct {
	GOPROXY   string // default "https://proxy.golang.org,direct"
	GOPRIVATE string // default for GONOPROXY
	GONOPROXY string // modules never fetched from a proxy (so: not fetchable here)
	// GOINSECURE lists module path patterns that may be fetched without
	// verifying the proxy's TLS certificate (go.sum still pins the content).
	GOINSECURE string
	// Netrc is the netrc file with proxy credentials ("" for none).
	Netrc string
}

// ConfigFromEnv is the Config the go command would use: GOPROXY, GOPRIVATE,
// GONOPROXY and the netrc file $NETRC (default ~/.netrc) of this process.
func ConfigFromEnv() Config {
	netrc := os.Getenv("NETRC")
	if home, err := os.UserHomeDir(); netrc == "" && err == nil {
		netrc = filepath.Join(home, ".netrc")
	}
	return Config{GOPROXY: os.Getenv("GOPROXY"), GOPRIVATE: os.Getenv("GOPRIVATE"),
		GONOPROXY: os.Getenv("GONOPROXY"), GOINSECURE: os.Getenv("GOINSECURE"), Netrc: netrc}
}

// Fetcher downloads and verifies modules.
type Fetcher struct {
	cfg     Config
	proxies []proxyEntry
	netrc   map[string]netrcLogin
	client  *http.Client
	// insecureClient skips TLS verification, for GOINSECURE modules.
	insecureClient *http.Client
	// Fetches counts downloads (go.mod files and zips), for progress
	// messages and tests.
	Fetches int
}

// NewFetcher returns a Fetcher for cfg.
func NewFetcher(cfg Config) (*Fetcher, error) {
	proxies, err := parseGOPROXY(cfg.GOPROXY)
	if err != nil {
		return nil, err
	}
	insecure := http.DefaultTransport.(*http.Transport).Clone()
	insecure.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	f := &Fetcher{cfg: cfg, proxies: proxies, netrc: map[string]netrcLogin{},
		client:         &http.Client{Timeout: 5 * time.Minute},
		insecureClient: &http.Client{Timeout: 5 * time.Minute, Transport: insecure}}
	if cfg.Netrc != "" {
		data, err := os.ReadFile(cfg.Netrc)
		if err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("modfetch: %w", err)
		}
		f.netrc = parseNetrc(string(data))
	}
	return f, nil
}

// noProxy reports whether GONOPROXY (or GOPRIVATE) excludes path from the
// proxies.
func (f *Fetcher) noProxy(path string) bool {
	patterns := f.cfg.GONOPROXY
	if patterns == "" {
		patterns = f.cfg.GOPRIVATE
	}
	return patterns != "" && module.MatchPrefixPatterns(patterns, path)
}

// GoMod downloads mod's go.mod file and checks it against sum (the h1: hash
// go.sum records for "<path> <version>/go.mod").
func (f *Fetcher) GoMod(mod module.Version, sum string) ([]byte, error) {
	data, err := f.get(mod, ".mod")
	if err != nil {
		return nil, err
	}
	f.Fetches++
	if err := CheckGoMod(mod, data, sum); err != nil {
		return nil, err
	}
	return data, nil
}

// CheckGoMod checks go.mod content against its go.sum hash.
func CheckGoMod(mod module.Version, data []byte, sum string) error {
	got, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
	if err != nil {
		return err
	}
	if got != sum {
		return &VerifyError{Mod: mod, What: "go.mod", Got: got, Want: sum}
	}
	return nil
}

// Zip downloads mod's zip, checks its hash against sum (go.sum's h1:) and
// x/mod/zip's safety rules, and extracts it into dir, which must not exist.
func (f *Fetcher) Zip(mod module.Version, sum, dir string) error {
	data, err := f.get(mod, ".zip")
	if err != nil {
		return err
	}
	f.Fetches++
	tmp, err := os.CreateTemp("", "gograph-mod-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	got, err := dirhash.HashZip(tmp.Name(), dirhash.Hash1)
	if err != nil {
		return fmt.Errorf("%s: reading zip: %w", mod, err)
	}
	if got != sum {
		return &VerifyError{Mod: mod, What: "zip", Got: got, Want: sum}
	}
	if _, err := modzip.CheckZip(mod, tmp.Name()); err != nil {
		return fmt.Errorf("%s: unsafe module zip: %w", mod, err)
	}
	if err := modzip.Unzip(dir, mod, tmp.Name()); err != nil {
		return fmt.Errorf("%s: extracting zip: %w", mod, err)
	}
	return nil
}

// CheckDir checks an extracted module directory (a store path, say) against
// go.sum's h1: hash, the way `go mod verify` does.
func CheckDir(mod module.Version, dir, sum string) error {
	got, err := dirhash.HashDir(dir, mod.Path+"@"+mod.Version, dirhash.Hash1)
	if err != nil {
		return fmt.Errorf("%s: hashing %s: %w", mod, dir, err)
	}
	if got != sum {
		return &VerifyError{Mod: mod, What: "directory " + dir, Got: got, Want: sum}
	}
	return nil
}

// VerifyError is a download whose hash is not the one go.sum records.
type VerifyError struct {
	Mod       module.Version
	What      string
	Got, Want string
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("%s: %s has hash %s but go.sum says %s (SECURITY: the module changed, or go.sum is wrong)",
		e.Mod, e.What, e.Got, e.Want)
}

type netrcLogin struct{ user, password string }

// parseNetrc reads the machine/login/password entries of a netrc file.
func parseNetrc(data string) map[string]netrcLogin {
	logins := map[string]netrcLogin{}
	fields := strings.Fields(data)
	var machine string
	var cur netrcLogin
	flush := func() {
		if machine != "" {
			logins[machine] = cur
		}
	}
	for i := 0; i+1 < len(fields); i++ {
		switch fields[i] {
		case "machine":
			flush()
			machine, cur = fields[i+1], netrcLogin{}
			i++
		case "default":
			flush()
			machine = ""
		case "login":
			cur.user = fields[i+1]
			i++
		case "password":
			cur.password = fields[i+1]
			i++
		}
	}
	flush()
	return logins
}
