package plan

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// checkFileNames refuses a package whose file names are not valid UTF-8.
// go list reports them in JSON, which turns each invalid byte into U+FFFD,
// so the name it gives is not the file's. (A name that really holds U+FFFD
// is refused too: the two cannot be told apart.)
func checkFileNames(pkgs []*Package) error {
	for _, p := range pkgs {
		if p.Standard {
			continue
		}
		for _, f := range slices.Concat(p.GoFiles, p.CgoFiles, p.CFiles, p.CXXFiles, p.HFiles, p.SFiles,
			p.SysoFiles, p.EmbedFiles, p.TestGoFiles, p.XTestGoFiles, p.TestEmbedFiles, p.XTestEmbedFiles) {
			if strings.ContainsRune(f, utf8.RuneError) {
				return &Error{Kind: KindPackage, Package: p.ImportPath, Message: fmt.Sprintf(
					"package %s: the name of a file (%+q as go list shows it) is not valid UTF-8; rename it", p.ImportPath, f)}
			}
		}
	}
	return nil
}
