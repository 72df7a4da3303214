package openapi_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/infgen/infgen/parser/openapi"
)

// FuzzParseData checks that no input makes the parser panic (the
// generator's FuzzGenerate, in generator/openapi, goes on to generate
// whatever parses).
func FuzzParseData(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "..", "golden", "*", "input", "spec.*"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(header + "paths: {}\n"))
	f.Add([]byte(`{"openapi":"3.1.0","info":{"title":"x","version":"1"},"components":{"schemas":{"A":{"type":["null"]}}}}`))
	f.Add([]byte("openapi: 3.0\ninfo: {title: T, version: 1.0}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: array, items: [{type: string}], examples: {a: 1}}\n"))
	f.Add([]byte("swagger: '2.0'\ninfo: {title: T, version: 1}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok, schema: {type: array, items: [{type: string}]}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = openapi.ParseData(context.Background(), filepath.Join(t.TempDir(), "fuzz.yaml"), data)
	})
}
