package modfetch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// Config is the module-fetching part of the user's Go environment, and the
// part of Nix's policy that bounds downloads.
type Config struct {
	GOPROXY   string // default "https://proxy.golang.org,direct"
	GOPRIVATE string // default for GONOPROXY
	// GONOPROXY lists the modules never fetched from a proxy; as
	// nix-gograph fetches only from proxies, they cannot be fetched here.
	GONOPROXY string
	// GONOSUMDB and GOINSECURE are read as cmd/go reads them but change
	// nothing: go.sum pins every module, so no checksum database is asked,
	// and GOINSECURE only concerns direct version-control fetches (which
	// nix-gograph never does) — it never weakens TLS to a proxy.
	GONOSUMDB  string
	GOINSECURE string
	// GOAUTH says where credentials come from (default "netrc"): see auth.
	GOAUTH string
	// Netrc is the netrc file GOAUTH=netrc reads ("" for none).
	Netrc string
	// EnvFile is the go env file the values were read from, if any.
	EnvFile string
	// fromFile marks the variables whose value came from EnvFile.
	fromFile map[string]bool

	// Offline forbids every download (nix --offline).
	Offline bool
	// RestrictEval requires every proxy URL to be allowed by AllowedURIs
	// (Nix's restrict-eval and allowed-uris).
	RestrictEval bool
	AllowedURIs  []string
}

// maxGoMod bounds a go.mod download: cmd/go's own limit on a go.mod file
// (cmd/go/internal/modfetch/codehost.MaxGoMod).
const maxGoMod = 16 << 20

// defaultStall is how long a proxy may send nothing (no response, or no
// body data) before the download is a timeout error.
const defaultStall = 2 * time.Minute

// Fetcher downloads and verifies modules.
type Fetcher struct {
	cfg       Config
	proxies   []proxyEntry
	auth      *auth
	transport *http.Transport
	// stall, zipLimit and modLimit are defaultStall, x/mod/zip's
	// MaxZipFile and maxGoMod; tests lower them.
	stall              time.Duration
	zipLimit, modLimit int64
	policyChecked      bool
	// Fetches counts downloads (go.mod files and zips), for progress
	// messages and tests.
	Fetches int
}

// NewFetcher returns a Fetcher for cfg. TLS certificates are always
// verified, against the system roots (SSL_CERT_FILE and SSL_CERT_DIR
// override them, as for any Go program).
func NewFetcher(cfg Config) (*Fetcher, error) {
	proxies, err := parseGOPROXY(cfg.GOPROXY)
	if err != nil {
		return nil, err
	}
	return &Fetcher{cfg: cfg, proxies: proxies, auth: newAuth(cfg.GOAUTH, cfg.Netrc),
		transport: http.DefaultTransport.(*http.Transport).Clone(),
		stall:     defaultStall, zipLimit: modzip.MaxZipFile, modLimit: maxGoMod}, nil
}

// private reports the variable (GONOPROXY, or GOPRIVATE when GONOPROXY is
// empty) that keeps path off the proxies, or "".
func (f *Fetcher) private(path string) string {
	name, patterns := "GONOPROXY", f.cfg.GONOPROXY
	if patterns == "" {
		name, patterns = "GOPRIVATE", f.cfg.GOPRIVATE
	}
	if patterns != "" && module.MatchPrefixPatterns(patterns, path) {
		return name
	}
	return ""
}

// GoMod downloads mod's go.mod file and checks it against sum (the h1: hash
// go.sum records for "<path> <version>/go.mod").
// It stops when ctx is done.
func (f *Fetcher) GoMod(ctx context.Context, mod module.Version, sum string) ([]byte, error) {
	var buf memSink
	if err := f.download(ctx, mod, ".mod", &buf); err != nil {
		return nil, err
	}
	if err := CheckGoMod(mod, buf.Bytes(), sum); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// GoModUnverified downloads mod's go.mod file without checking it: for a
// fixed-output derivation whose Nix hash pins the content when go.sum's
// hash is not at hand (a workspace's lock, whose go.sum files only the
// planner reads); the planner checks the file against go.sum.
func (f *Fetcher) GoModUnverified(ctx context.Context, mod module.Version) ([]byte, error) {
	var buf memSink
	if err := f.download(ctx, mod, ".mod", &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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
// It stops when ctx is done.
func (f *Fetcher) Zip(ctx context.Context, mod module.Version, sum, dir string) error {
	tmp, err := os.CreateTemp("", "gograph-mod-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = f.download(ctx, mod, ".zip", fileSink{tmp})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
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
	What      string // what was hashed: "go.mod", "zip", "directory /nix/store/…"
	Got, Want string // the h1: hashes of the download and in go.sum
}

// Error names the module, what was hashed and both hashes, and says why
// it matters.
func (e *VerifyError) Error() string {
	return fmt.Sprintf("%s: %s has hash %s but go.sum says %s (SECURITY: the module changed, or go.sum is wrong)",
		e.Mod, e.What, e.Got, e.Want)
}
