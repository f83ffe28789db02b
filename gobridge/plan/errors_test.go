package plan

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorKindsComplete checks that ErrorKinds lists every ErrorKind
// constant of errors.go, each once and documented.
func TestErrorKindsComplete(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, parser.ParseComments)
	require.NoError(t, err)
	var consts []ErrorKind
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			if typ, ok := vs.Type.(*ast.Ident); !ok || typ.Name != "ErrorKind" {
				continue
			}
			assert.NotNil(t, vs.Doc, "%s has no doc comment", vs.Names[0].Name)
			for _, v := range vs.Values {
				consts = append(consts, ErrorKind(strings.Trim(v.(*ast.BasicLit).Value, `"`)))
			}
		}
	}
	assert.ElementsMatch(t, consts, ErrorKinds)
}

// TestNoKindLiterals checks that no Error or ErrorInfo in gobridge gets its
// Kind from a string literal (which compiles: the literal is untyped)
// rather than from an ErrorKind constant.
func TestNoKindLiterals(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok || !isErrorType(lit.Type) {
				return true
			}
			for _, elt := range lit.Elts {
				kv, ok := elt.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				key, ok := kv.Key.(*ast.Ident)
				if !ok || key.Name != "Kind" {
					continue
				}
				if value, isLit := kv.Value.(*ast.BasicLit); isLit {
					t.Errorf("%s: error kind %s is a literal; use an ErrorKind constant (errors.go)",
						fset.Position(kv.Pos()), value.Value)
				}
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
}

// isErrorType is whether typ names Error, plan.Error or ErrorInfo.
func isErrorType(typ ast.Expr) bool {
	switch typ := typ.(type) {
	case *ast.Ident:
		return typ.Name == "Error" || typ.Name == "ErrorInfo"
	case *ast.SelectorExpr:
		return typ.Sel.Name == "Error" || typ.Sel.Name == "ErrorInfo"
	}
	return false
}
