package content

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestFieldsListsEveryKeyRead: Fields names every top-level key the
// package reads (k["x"] or f.keys["x"] in its code), so that lint never
// calls a key kb reads unknown, nor suggests one it does not.
func TestFieldsListsEveryKeyRead(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	var read []string
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ix, ok := n.(*ast.IndexExpr)
			if !ok {
				return true
			}
			lit, ok := ix.Index.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			isKeys := false
			switch x := ix.X.(type) {
			case *ast.Ident:
				isKeys = x.Name == "k"
			case *ast.SelectorExpr:
				isKeys = x.Sel.Name == "keys"
			}
			if isKeys {
				key, _ := strconv.Unquote(lit.Value)
				read = append(read, key)
			}
			return true
		})
	}
	if len(read) < 10 {
		t.Fatalf("found only %v; has the way fill reads keys changed?", read)
	}
	for _, k := range read {
		if !slices.Contains(Fields, k) {
			t.Errorf("the code reads front-matter key %q, which content.Fields lacks", k)
		}
	}
	for _, k := range Fields {
		if !slices.Contains(read, k) {
			t.Errorf("content.Fields lists %q, which the code never reads", k)
		}
	}
}
