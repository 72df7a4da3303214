package openapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/generator/openapi"
	"github.com/infgen/infgen/ir"
	oaparser "github.com/infgen/infgen/parser/openapi"
)

// largeSpec synthesizes an OpenAPI document shaped like big real-world
// APIs: ops operations over ops/2 paths, each with path, query and header
// parameters, a JSON body and typed success and error responses, and
// 2*ops object schemas of 7 properties (scalars, formats, enums, arrays,
// maps, nested objects and references).
func largeSpec(ops int) []byte {
	schemas := map[string]any{}
	for i := range 2 * ops {
		props := map[string]any{}
		for j := range 7 {
			var p any
			switch j {
			case 0:
				p = map[string]any{"type": "string", "description": fmt.Sprintf("Property %d of resource %d, a human readable text.", j, i)}
			case 1:
				p = map[string]any{"type": "integer", "format": "int64", "minimum": 0}
			case 2:
				p = map[string]any{"type": "string", "format": "date-time", "nullable": true}
			case 3:
				p = map[string]any{"type": "string", "enum": []string{"pending", "active", "suspended", "deleted"}}
			case 4:
				p = map[string]any{"type": "array", "items": map[string]any{"$ref": fmt.Sprintf("#/components/schemas/Resource%d", (i+1)%(2*ops))}}
			case 5:
				p = map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
			default:
				p = map[string]any{"type": "object", "properties": map[string]any{
					"street": map[string]any{"type": "string"},
					"owner":  map[string]any{"$ref": fmt.Sprintf("#/components/schemas/Resource%d", (i+7)%(2*ops))},
				}}
			}
			props[fmt.Sprintf("field_%d_name", j)] = p
		}
		schemas[fmt.Sprintf("Resource%d", i)] = map[string]any{
			"type": "object", "required": []string{"field_0_name", "field_1_name"},
			"description": fmt.Sprintf("Resource%d is one of the many resources of this API.", i),
			"properties":  props,
		}
	}
	schemas["Error"] = map[string]any{"type": "object", "properties": map[string]any{"code": map[string]any{"type": "integer"}, "message": map[string]any{"type": "string"}}}
	paths := map[string]any{}
	for i := range ops / 2 {
		item := map[string]any{}
		for k, method := range []string{"get", "post"} {
			n := 2*i + k
			op := map[string]any{
				"operationId": fmt.Sprintf("%sResource%d", method, n),
				"summary":     fmt.Sprintf("Operation %d on resource collection %d.", n, i),
				"parameters": []any{
					map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "string"}},
					map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "format": "int32"}},
					map[string]any{"name": "expand", "in": "query", "schema": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}},
					map[string]any{"name": "X-Request-ID", "in": "header", "schema": map[string]any{"type": "string"}},
				},
				"responses": map[string]any{
					"200":     map[string]any{"description": "ok", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": fmt.Sprintf("#/components/schemas/Resource%d", n)}}}},
					"404":     map[string]any{"description": "not found", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}},
					"default": map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}},
				},
			}
			if method == "post" {
				op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": fmt.Sprintf("#/components/schemas/Resource%d", n+ops)}}}}
			}
			item[method] = op
		}
		paths[fmt.Sprintf("/collections%d/{id}", i)] = item
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "Large", "version": "1"},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
		"security": []any{map[string]any{"bearer": []string{}}},
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return data
}

// generateFile parses and generates one spec file, returning the output size.
func generateFile(tb testing.TB, path string) int {
	tb.Helper()
	spec, err := oaparser.Parse(context.Background(), path)
	require.NoError(tb, err)
	files, err := openapi.Generate(spec, gen.Options{Package: ir.PackageName(filepath.Base(path))})
	require.NoError(tb, err)
	size := 0
	for _, f := range files {
		size += len(f.Content)
	}
	return size
}

// BenchmarkGenerateLargeSpec measures parse + generate (gofmt'd output) of
// a synthesized ~3.7 MB spec with 770 operations; the target is < 2 s.
func BenchmarkGenerateLargeSpec(b *testing.B) {
	data := largeSpec(770)
	path := filepath.Join(b.TempDir(), "large.json")
	require.NoError(b, os.WriteFile(path, data, 0o644))
	b.ReportMetric(float64(len(data))/1e6, "spec-MB")
	size := 0
	start := processCPU()
	for b.Loop() {
		size = generateFile(b, path)
	}
	b.ReportMetric(float64(size)/1e6, "output-MB")
	b.ReportMetric(float64(processCPU()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkGenerateSharedSpecs measures every spec of ../shared/specs/openapi.
func BenchmarkGenerateSharedSpecs(b *testing.B) {
	for _, path := range sharedOpenAPISpecs(b) {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		b.Run(name, func(b *testing.B) {
			size := 0
			start := processCPU()
			for b.Loop() {
				size = generateFile(b, path)
			}
			b.ReportMetric(float64(size)/1e3, "output-kB")
			b.ReportMetric(float64(processCPU()-start)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

// TestLargeSpecGenerates keeps the benchmark's input honest: the synthesized
// spec parses, has the advertised size and operation count, and generates.
func TestLargeSpecGenerates(t *testing.T) {
	if testing.Short() {
		t.Skip("large spec; skipped with -short")
	}
	t.Parallel()
	data := largeSpec(770)
	require.InDelta(t, 3.7e6, float64(len(data)), 0.3e6, "spec size")
	path := filepath.Join(t.TempDir(), "large.json")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	spec, err := oaparser.Parse(context.Background(), path)
	require.NoError(t, err)
	require.Len(t, spec.Services[0].Methods, 770)
}
