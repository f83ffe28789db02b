package modfetch

import (
	"bytes"
	"os"
	"path/filepath"
)

// goEnvVars are the variables ConfigFromEnv reads from the environment and,
// where the environment leaves them empty, from the go env file.
var goEnvVars = []string{"GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOAUTH"}

// ConfigFromEnv is the Config the go command would use: GOPROXY, GOPRIVATE,
// GONOPROXY, GONOSUMDB, GOINSECURE and GOAUTH from this process's
// environment or, for those it leaves empty, from the go env file that
// `go env -w` writes (see GoEnvFile); NETRC only from the environment
// (default ~/.netrc), as cmd/go reads it.
func ConfigFromEnv() Config {
	file := GoEnvFile()
	fromFile := readGoEnvFile(file)
	cfg := Config{EnvFile: file, fromFile: map[string]bool{}}
	vars := map[string]*string{"GOPROXY": &cfg.GOPROXY, "GOPRIVATE": &cfg.GOPRIVATE, "GONOPROXY": &cfg.GONOPROXY,
		"GONOSUMDB": &cfg.GONOSUMDB, "GOINSECURE": &cfg.GOINSECURE, "GOAUTH": &cfg.GOAUTH}
	for _, name := range goEnvVars {
		// cmd/go's cfg.Getenv: a variable set but empty in the
		// environment does not hide the file's value.
		if v := os.Getenv(name); v != "" {
			*vars[name] = v
		} else if v, ok := fromFile[name]; ok && v != "" {
			*vars[name] = v
			cfg.fromFile[name] = true
		}
	}
	cfg.Netrc = os.Getenv("NETRC")
	if home, err := os.UserHomeDir(); cfg.Netrc == "" && err == nil {
		cfg.Netrc = filepath.Join(home, ".netrc")
	}
	return cfg
}

// GoEnvFile is the go env file cmd/go reads (cmd/go/internal/cfg.EnvFile):
// $GOENV, or os.UserConfigDir()/go/env when GOENV is unset or empty; ""
// when GOENV=off or there is no user configuration directory.
func GoEnvFile() string {
	if file := os.Getenv("GOENV"); file != "" {
		if file == "off" {
			return ""
		}
		return file
	}
	dir, err := os.UserConfigDir()
	if err != nil || dir == "" {
		return ""
	}
	return filepath.Join(dir, "go", "env")
}

// readGoEnvFile reads a go env file as cmd/go's readEnvFile does: one
// KEY=VALUE per line, no quoting; lines without "=" or not starting with an
// upper-case letter are skipped, a later line wins, and a missing or
// unreadable file is no configuration.
func readGoEnvFile(file string) map[string]string {
	env := map[string]string{}
	if file == "" {
		return env
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return env
	}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		i := bytes.IndexByte(line, '=')
		if i < 0 || line[0] < 'A' || 'Z' < line[0] {
			continue
		}
		env[string(line[:i])] = string(line[i+1:])
	}
	return env
}

// origin says where a Config variable's value came from, for messages:
// "" (the environment) or " (set in /home/u/.config/go/env by go env -w)".
func (c *Config) origin(name string) string {
	if c.fromFile[name] {
		return " (set in " + c.EnvFile + " by go env -w)"
	}
	return ""
}
