package modfetch

import "strings"

// netrcLine is one complete machine entry of a netrc file.
type netrcLine struct {
	machine  string
	login    string
	password string
}

// parseNetrc reads a netrc file as cmd/go does (cmd/go/internal/auth's
// parseNetrc): the machine/login/password entries that have all three, in
// file order; macdef bodies are skipped and nothing after "default" is read
// (cmd/go has no default credentials).
func parseNetrc(data string) []netrcLine {
	var nrc []netrcLine
	var l netrcLine
	inMacro := false
	for line := range strings.SplitSeq(data, "\n") {
		if inMacro {
			if line == "" {
				inMacro = false
			}
			continue
		}
		f := strings.Fields(line)
		i := 0
		for ; i < len(f)-1; i += 2 {
			switch f[i] {
			case "machine":
				l = netrcLine{machine: f[i+1]}
			case "login":
				l.login = f[i+1]
			case "password":
				l.password = f[i+1]
			case "macdef":
				inMacro = true
			}
			if l.machine != "" && l.login != "" && l.password != "" {
				nrc = append(nrc, l)
				l = netrcLine{}
			}
		}
		if i < len(f) && f[i] == "default" {
			break
		}
	}
	return nrc
}
