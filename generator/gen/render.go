package gen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"

	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/imports"
)

// Render renders a jennifer file as gofmt'd source whose imports are grouped
// as goimports groups them: the standard library first, then a blank line
// and the other packages, each group sorted. name is the file's name, for
// errors. The output depends only on f.
func Render(name string, f *jen.File) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, fmt.Errorf("generate %s: %w", name, err)
	}
	return groupImports(name, buf.Bytes())
}

// groupImports regroups the import block of gofmt'd source src with
// golang.org/x/tools/imports (FormatOnly: nothing is resolved, added or
// removed). Only the file's head (package clause and imports) goes through
// imports.Process: the rest is already gofmt'd, and formatting it again
// would cost a fifth of the generation time of a large spec.
func groupImports(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("generate %s: parse generated imports: %w", name, err)
	}
	end := token.NoPos
	for _, d := range file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && gd.Rparen.IsValid() {
			end = gd.Rparen
		}
	}
	if !end.IsValid() {
		return src, nil // no parenthesized import block: nothing to group
	}
	split := fset.Position(end).Offset + 1
	head, err := imports.Process(name, src[:split], &imports.Options{FormatOnly: true, Comments: true, TabIndent: true, TabWidth: 8})
	if err != nil {
		return nil, fmt.Errorf("generate %s: group imports: %w", name, err)
	}
	return append(bytes.TrimRight(head, "\n"), src[split:]...), nil
}
