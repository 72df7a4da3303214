package openapi_test

import (
	"context"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/generator/openapi"
	oaparser "github.com/infgen/infgen/parser/openapi"
)

// FuzzGenerate checks that whatever the parser accepts generates without
// panicking, into Go that parses.
func FuzzGenerate(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "..", "golden", "*", "input", "spec.*"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n"))
	f.Add([]byte(`{"openapi":"3.1.0","info":{"title":"x","version":"1"},"components":{"schemas":{"A":{"type":["null"]}}}}`))
	f.Add([]byte("openapi: 3.0\ninfo: {title: T, version: 1.0}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: array, items: [{type: string}], examples: {a: 1}}\n"))
	f.Add([]byte("swagger: '2.0'\ninfo: {title: T, version: 1}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok, schema: {type: array, items: [{type: string}]}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := oaparser.ParseData(context.Background(), filepath.Join(t.TempDir(), "fuzz.yaml"), data)
		if err != nil {
			return
		}
		files, err := openapi.Generate(spec, gen.Options{Package: "fuzz"})
		if err != nil {
			t.Fatalf("generate: %v", err)
		}
		fset := token.NewFileSet()
		for _, file := range files {
			if _, err := parser.ParseFile(fset, file.Name, file.Content, 0); err != nil {
				t.Fatalf("generated %s does not parse: %v", file.Name, err)
			}
		}
	})
}
