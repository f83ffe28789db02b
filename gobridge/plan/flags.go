package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The flag lists of a Config mean what they mean to nixpkgs' buildGoModule:
// the elements of ldflags, gcflags and asmflags are joined with single
// spaces into one value (-ldflags=<value>), which cmd/go splits again by its
// own rules (SplitFlags); the elements of tags are joined with commas, so
// each must be one build tag.

// joinFlags is the one value a flag list becomes: its elements joined with
// spaces, as nixpkgs joins a list attribute of a derivation.
func joinFlags(flags []string) string { return strings.Join(flags, " ") }

// isFlagSpace reports whether c separates fields for SplitFlags.
func isFlagSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// SplitFlags splits the value of -ldflags, -gcflags or -asmflags (after any
// <pattern>= prefix; see SplitPackageFlag) into arguments the way cmd/go does
// (cmd/internal/quoted.Split): fields are separated by spaces, tabs and
// newlines; a field that starts with ' or " runs to the next same quote,
// which may be followed directly by the next field, and keeps everything in
// between as it is (there are no escapes); a quote anywhere else in a field
// is an ordinary character. A quote that is never closed is an error.
func SplitFlags(value string) ([]string, error) {
	var fields []string
	i := 0
	for {
		for i < len(value) && isFlagSpace(value[i]) {
			i++
		}
		if i == len(value) {
			return fields, nil
		}
		if q := value[i]; q == '\'' || q == '"' {
			end := strings.IndexByte(value[i+1:], q)
			if end < 0 {
				return nil, fmt.Errorf("unterminated %c", q)
			}
			fields = append(fields, value[i+1:i+1+end])
			i += end + 2
			continue
		}
		start := i
		for i < len(value) && !isFlagSpace(value[i]) {
			i++
		}
		fields = append(fields, value[start:i])
	}
}

// SplitPackageFlag splits the value of -ldflags, -gcflags or -asmflags as
// cmd/go does: a value that does not start with "-" names the packages it
// applies to before its first "=" ("all=-N -l"), and the rest is split by
// SplitFlags. pattern is "" when the value has no pattern (it then applies
// to the packages named on the command line).
func SplitPackageFlag(value string) (pattern string, args []string, err error) {
	value = strings.TrimSpace(value)
	if value != "" && !strings.HasPrefix(value, "-") {
		i := strings.IndexByte(value, '=')
		switch {
		case i < 0:
			return "", nil, fmt.Errorf("missing =<value> in <pattern>=<value>")
		case i == 0:
			return "", nil, fmt.Errorf("missing <pattern> in <pattern>=<value>")
		case value[0] == '\'' || value[0] == '"':
			return "", nil, fmt.Errorf("parameter may not start with quote character %c", value[0])
		}
		pattern, value = strings.TrimSpace(value[:i]), value[i+1:]
	}
	args, err = SplitFlags(value)
	return pattern, args, err
}

// CheckFlags reports, as a bad-argument Error, a flag list of cfg that
// cmd/go would reject or read differently from what its elements say: an
// ldflags, gcflags or asmflags list whose joined value does not split, or a
// tags element that is empty or holds a space, a comma or a quote.
func CheckFlags(cfg *Config) error {
	for _, list := range []struct {
		name  string
		flags []string
	}{{"ldflags", cfg.Ldflags}, {"gcflags", cfg.Gcflags}, {"asmflags", cfg.Asmflags}} {
		if len(list.flags) == 0 {
			continue
		}
		value := joinFlags(list.flags)
		_, args, err := SplitPackageFlag(value)
		if err != nil {
			return &Error{Kind: KindBadArgument, Argument: list.name,
				Message: fmt.Sprintf("%s: %v in %q (the elements joined with spaces)", list.name, err, value)}
		}
		for _, w := range args {
			// A later -linkobj would take the linker's object away from
			// where the split compile installs it from.
			if name, ok := flagName(w); ok && name == "linkobj" && list.name == "gcflags" && cfg.LinkObj {
				return &Error{Kind: KindBadArgument, Argument: list.name, Message: fmt.Sprintf(
					"gcflags: %q: content-addressed compiles (contentAddressed) set the compiler's -linkobj themselves", w)}
			}
		}
	}
	for _, tag := range cfg.Tags {
		var what string
		switch {
		case tag == "":
			return &Error{Kind: KindBadArgument, Argument: "tags", Message: "tags: an element is empty"}
		case strings.ContainsAny(tag, " \t\n\r"):
			what = "a space"
		case strings.Contains(tag, ","):
			what = "a comma"
		case strings.ContainsAny(tag, `'"`):
			what = "a quote"
		default:
			continue
		}
		return &Error{Kind: KindBadArgument, Argument: "tags",
			Message: fmt.Sprintf("tags: %q contains %s; each element is one build tag", tag, what)}
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.GoEnv)) {
		if !slices.Contains(GoEnvNames, name) {
			return &Error{Kind: KindBadArgument, Argument: "goEnv", Message: fmt.Sprintf(
				"goEnv: %s is not a Go build setting nix-gograph passes on (it takes %s)", name, strings.Join(GoEnvNames, ", "))}
		}
		if strings.ContainsAny(cfg.GoEnv[name], "\x00\n") {
			return &Error{Kind: KindBadArgument, Argument: "goEnv", Message: fmt.Sprintf(
				"goEnv: the value of %s holds a newline or a NUL", name)}
		}
		// A snapshot (v1.0.0, inprocess, certified) is a zip go unpacks
		// into its module cache, which planning's is not: the build could
		// not read it.
		if v := cfg.GoEnv[name]; name == "GOFIPS140" && v != "off" && v != "latest" {
			return &Error{Kind: KindBadArgument, Argument: "goEnv", Message: fmt.Sprintf(
				"goEnv: GOFIPS140=%s: nix-gograph builds only GOFIPS140=off or latest (a snapshot of the FIPS module is not a store input yet)", v)}
		}
	}
	return nil
}

// GoEnvNames are the Go build settings of the environment (`go help
// environment`) a build may set (Config.GoEnv); every action's environment
// has them as the toolchain's `go env` reports them. GOOS, GOARCH and
// CGO_ENABLED have settings of their own.
var GoEnvNames = []string{"GO386", "GOAMD64", "GOARM", "GOARM64", "GOMIPS", "GOMIPS64",
	"GOPPC64", "GORISCV64", "GOWASM", "GOEXPERIMENT", "GOFIPS140"}
