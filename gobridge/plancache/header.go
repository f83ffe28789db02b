package plancache

import (
	"go/scanner"
	"go/token"
	"strconv"
)

// planPart is the part of the Go source file src that can decide a plan:
// what go/build reads of it (build constraints, //go:debug lines, the
// package clause and the imports) — everything before the first
// declaration that is not an import. A body edit leaves it unchanged.
//
// A file importing "C" (cgo reads all of it) or "embed" (go/build finds
// //go:embed directives anywhere, outside comments and strings), or that
// cannot be scanned, is its whole content: when in doubt, more of the file
// counts, never less.
func planPart(src []byte) []byte {
	end, whole := headerEnd(src)
	if whole {
		return src
	}
	return src[:end]
}

// headerEnd is the offset of the first top-level declaration of src that
// is not an import, or whole if src imports "C" or "embed" or does not
// scan as Go up to there.
func headerEnd(src []byte) (end int, whole bool) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	failed := false
	s.Init(file, src, func(token.Position, string) { failed = true }, scanner.ScanComments)
	depth := 0 // parentheses open in an import declaration
	sawPackage := false
	for {
		pos, tok, lit := s.Scan()
		if failed {
			return 0, true
		}
		switch {
		case tok == token.EOF:
			return len(src), false
		case tok == token.COMMENT, tok == token.SEMICOLON:
		case tok == token.PACKAGE:
			sawPackage = true
		case !sawPackage:
			// The package name, or something go/build rejects.
		case tok == token.IMPORT:
		case tok == token.LPAREN:
			depth++
		case tok == token.RPAREN:
			depth--
		case tok == token.STRING:
			if path, err := strconv.Unquote(lit); err != nil || path == "C" || path == "embed" {
				return 0, true
			}
		case depth > 0, tok == token.IDENT, tok == token.PERIOD:
			// An import's name (or "." / "_"), inside or outside parentheses.
		default:
			// func, type, var, const: the body of the file begins.
			return file.Offset(pos), false
		}
	}
}
