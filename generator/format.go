package generator

import (
	"bytes"
	"fmt"

	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/imports"
)

// render renders a jennifer file as gofmt'd source whose imports are grouped
// as goimports groups them: the standard library first, then a blank line
// and the other packages, each group sorted. name is the file's name, for
// errors. The output depends only on f.
func render(name string, f *jen.File) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, fmt.Errorf("generate %s: %w", name, err)
	}
	return groupImports(name, buf.Bytes())
}

// groupImports regroups the imports of gofmt'd source src the way goimports
// does, without resolving or adding any (FormatOnly).
func groupImports(name string, src []byte) ([]byte, error) {
	out, err := imports.Process(name, src, &imports.Options{FormatOnly: true, Comments: true, TabIndent: true, TabWidth: 8})
	if err != nil {
		return nil, fmt.Errorf("generate %s: group imports: %w", name, err)
	}
	return out, nil
}
