package openapi_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	"github.com/infgen/infgen/parser/openapi"
)

// write creates files (name → content) in a temporary directory and
// returns the path of the first name given.
func write(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i+1 < len(files); i += 2 {
		p := filepath.Join(dir, files[i])
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(files[i+1]), 0o644))
	}
	return filepath.Join(dir, files[0])
}

// parseErr parses path and returns the positioned error.
func parseErr(t *testing.T, path string) *openapi.Error {
	t.Helper()
	_, err := openapi.Parse(context.Background(), path)
	require.Error(t, err)
	var pe *openapi.Error
	require.ErrorAs(t, err, &pe, "error without position: %v", err)
	return pe
}

const header = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n"

func TestParseErrorsCarryPositions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		files    []string
		file     string
		line     int
		col      int
		contains string
	}{
		{
			name:  "invalid yaml",
			files: []string{"api.yaml", header + "paths:\n  /a:\n    get: [\n"},
			file:  "api.yaml", line: 6, contains: "invalid YAML",
		},
		{
			name:  "invalid json",
			files: []string{"api.json", "{\"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"T\",, \"version\": \"1\"}\n}"},
			file:  "api.json", line: 2, col: 25, contains: "invalid JSON",
		},
		{
			name: "unresolved local ref",
			files: []string{"api.yaml", header + `paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Missing'}
`},
			file: "api.yaml", line: 11, col: 30, contains: `unresolved $ref "#/components/schemas/Missing"`,
		},
		{
			name: "missing ref file",
			files: []string{"api.yaml", header + `paths: {}
components:
  schemas:
    A:
      $ref: 'other.yaml#/B'
`},
			file: "api.yaml", line: 7, col: 13, contains: "does not exist",
		},
		{
			name: "bad pointer in other file",
			files: []string{"api.yaml", header + `paths: {}
components:
  schemas:
    A: {$ref: 'sub/other.yaml#/Nope'}
`, "sub/other.yaml", "B: {type: string}\nC: {$ref: '#/B'}\n"},
			file: "api.yaml", line: 6, col: 15, contains: "has nothing at #/Nope",
		},
		{
			name:  "swagger 1.2",
			files: []string{"api.yaml", "swagger: '1.2'\ninfo: {title: T, version: '1'}\npaths: {}\n"},
			file:  "api.yaml", line: 1, col: 10, contains: `unsupported Swagger version "1.2"`,
		},
		{
			name:  "not a mapping",
			files: []string{"api.yaml", "- a\n- b\n"},
			file:  "api.yaml", line: 1, col: 1, contains: "top level must be a mapping",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := write(t, tc.files...)
			pe := parseErr(t, path)
			require.Equal(t, filepath.Join(filepath.Dir(path), tc.file), pe.Pos.File)
			require.Equal(t, tc.line, pe.Pos.Line, pe.Error())
			if tc.col > 0 {
				require.Equal(t, tc.col, pe.Pos.Col, pe.Error())
			}
			require.Contains(t, pe.Error(), tc.contains)
			require.Contains(t, pe.Error(), pe.Pos.String()+": ")
		})
	}
}

func TestParseWarningsCarryPositions(t *testing.T) {
	t.Parallel()
	path := write(t, "api.yaml", "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Mixed:\n      type: [string, integer]\n")
	spec, err := openapi.Parse(context.Background(), path)
	require.NoError(t, err)
	require.Len(t, spec.Warnings, 1)
	w := spec.Warnings[0]
	require.Equal(t, path, w.Pos.File)
	require.Equal(t, 6, w.Pos.Line)
	require.Contains(t, w.Message, "json.RawMessage")
	require.Equal(t, ir.TypeAlias, spec.Types[0].Kind)
	require.Equal(t, ir.KindAny, spec.Types[0].Alias.Kind)
}

// A repeated operationId is an error at the second use (OpenAPI requires
// them unique); with AllowDuplicateOperationIDs it is a warning there and
// that operation gets a numbered name.
func TestParseDuplicateOperationID(t *testing.T) {
	t.Parallel()
	path := write(t, "api.yaml", header+`paths:
  /a:
    get:
      operationId: getThing
      responses: {"200": {description: ok}}
  /b:
    get:
      operationId: getThing
      responses: {"200": {description: ok}}
`)
	_, err := openapi.Parse(context.Background(), path)
	var perr *openapi.Error
	require.ErrorAs(t, err, &perr)
	require.Equal(t, ir.Pos{File: path, Line: 10, Col: 7}, perr.Pos)
	require.ErrorContains(t, err, `duplicate operationId "getThing" (first used by GET /a at `)
	require.ErrorContains(t, err, "--allow-duplicate-operation-ids")

	spec, err := openapi.Parse(context.Background(), path, openapi.AllowDuplicateOperationIDs())
	require.NoError(t, err)
	methods := spec.Services[0].Methods
	require.Len(t, methods, 2)
	require.Equal(t, "GetThing", methods[0].Name)
	require.Equal(t, "/a", methods[0].HTTP.Path)
	require.Equal(t, "GetThing2", methods[1].Name)
	require.Len(t, spec.Warnings, 1)
	require.Equal(t, ir.Pos{File: path, Line: 10, Col: 7}, spec.Warnings[0].Pos)
	require.Contains(t, spec.Warnings[0].Message, `duplicate operationId "getThing"`)
	require.Contains(t, spec.Warnings[0].Message, "generated as GetThing2")
}

func TestParseNamesAndBindings(t *testing.T) {
	t.Parallel()
	path := write(t, "api.yaml", header+`paths:
  /pets/{petId}:
    get:
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer, format: int64}}
        - {name: petId, in: query, schema: {type: string}}
        - {name: Idempotency-Key, in: header, schema: {type: string}}
      responses:
        "200": {description: ok}
        default: {description: err}
    post:
      operationId: getPetsPetID
      responses: {"201": {description: ok}}
components:
  schemas:
    GetPetsPetIDInput: {type: string}
`)
	spec, err := openapi.Parse(context.Background(), path)
	require.NoError(t, err)
	svc := spec.Services[0]
	require.Equal(t, "T", svc.Name)
	require.Len(t, svc.Methods, 2)
	// The operation without operationId is named from method and path; the
	// explicit operationId that spells the same name gets a suffix.
	require.Equal(t, "GetPetsPetID", svc.Methods[0].Name)
	require.Equal(t, "GetPetsPetID2", svc.Methods[1].Name)
	get := svc.Methods[0].HTTP
	require.Equal(t, "Idempotency-Key", get.IdempotencyHeader)
	require.Len(t, get.Params, 2)
	require.Equal(t, "PetID", get.Params[0].GoName)
	require.Equal(t, "QueryPetID", get.Params[1].GoName)
	require.Equal(t, ir.KindInt64, get.Params[0].Type.Kind)
	require.True(t, get.Responses[1].Error, "default next to a 2xx is an error")
	require.Equal(t, "GetPetsPetIDInput2", spec.Types[0].Name, "schemas yield to generated names")
}

func TestParseErrorInReferencedFileNamesThatFile(t *testing.T) {
	t.Parallel()
	path := write(t, "api.yaml", header+`paths: {}
components:
  schemas:
    A: {$ref: 'defs/a.yaml#/A'}
`, "defs/a.yaml", "A:\n  type: object\n  properties: [\n")
	pe := parseErr(t, path)
	require.Equal(t, filepath.Join(filepath.Dir(path), "defs", "a.yaml"), pe.Pos.File)
	require.Equal(t, 4, pe.Pos.Line, pe.Error())
	require.Contains(t, pe.Error(), "invalid YAML")
}

func TestParseOpenAPI31AndDocumentIdempotencyExtension(t *testing.T) {
	t.Parallel()
	path := write(t, "api.yaml", `openapi: 3.1.0
info: {title: T, version: '1'}
x-infgen-idempotency-key: X-Dedup
paths:
  /a:
    post:
      operationId: doIt
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [mode, count]
              properties:
                mode: {const: fast}
                count: {type: [integer, "null"]}
                tags: {type: array, items: {type: string}}
      responses: {"204": {description: done}}
`)
	spec, err := openapi.Parse(context.Background(), path)
	require.NoError(t, err)
	m := spec.Services[0].Methods[0]
	require.Equal(t, "X-Dedup", m.HTTP.IdempotencyHeader)
	body := m.HTTP.Body.Contents[0].Type
	require.Equal(t, ir.KindNamed, body.Kind)
	var req ir.Type
	for _, typ := range spec.Types {
		if typ.Name == body.Name {
			req = typ
		}
	}
	require.Equal(t, "DoItRequest", req.Name)
	require.Len(t, req.Fields, 3)
	mode, count := req.Fields[0], req.Fields[1] // document order
	require.Equal(t, "Count", count.Name)
	require.True(t, count.Required)
	require.True(t, count.Type.Nullable)
	require.Equal(t, ir.KindInt64, count.Type.Kind)
	require.Equal(t, ir.KindNamed, mode.Type.Kind, "const becomes a one-value enum")
}

func TestParseTaskOptionExtensions(t *testing.T) {
	t.Parallel()
	path := write(t, "api.yaml", header+`x-infgen-timeout: 10s
paths:
  /a:
    get:
      operationId: a
      x-infgen-retry: {maxAttempts: 3, initial: 1s, bogus: 1}
      responses: {"200": {description: ok}}
    post:
      operationId: b
      x-infgen-timeout: soon
      responses: {"200": {description: ok}}
`)
	spec, err := openapi.Parse(context.Background(), path)
	require.NoError(t, err)
	a, b := spec.Services[0].Methods[0], spec.Services[0].Methods[1]
	require.Equal(t, 10*time.Second, a.Timeout, "document default")
	require.Equal(t, &ir.RetryPolicy{MaxAttempts: 3, Initial: time.Second}, a.Retry)
	require.Zero(t, b.Timeout, "a malformed value is ignored")
	require.Nil(t, b.Retry)
	var msgs []string
	for _, w := range spec.Warnings {
		msgs = append(msgs, w.Message)
	}
	require.Len(t, msgs, 2)
	require.Contains(t, msgs[0], "x-infgen-retry.bogus: unknown field")
	require.Contains(t, msgs[1], `x-infgen-timeout: want a duration such as "30s", got soon`)
}
