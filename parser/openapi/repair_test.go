package openapi_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	"github.com/infgen/infgen/parser/openapi"
)

// Values real documents get wrong in ways that change nothing for the
// generated code are repaired with a positioned warning, not rejected.
func TestParseRepairsHarmlessTypeMistakes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, file, doc string
		// line and col of the single warning, and a part of its message.
		line, col int
		warning   string
		check     func(t *testing.T, spec *ir.Spec)
	}{
		{
			name: "numeric version",
			file: "api.yaml",
			doc:  "openapi: 3.0.3\ninfo:\n  title: T\n  version: 1.0\npaths: {}\n",
			line: 4, col: 12, warning: `version should be a string; read as "1.0"`,
			check: func(t *testing.T, spec *ir.Spec) { require.Equal(t, "1.0", spec.Version) },
		},
		{
			name: "numeric openapi version",
			file: "api.yaml",
			doc:  "openapi: 3.0\ninfo: {title: T, version: '1'}\npaths: {}\n",
			line: 1, col: 10, warning: `openapi should be a string`,
		},
		{
			name: "schema examples as an object",
			file: "api.yaml",
			doc: "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n" +
				"      type: object\n      properties:\n        name:\n          type: string\n          examples:\n            rex: Rex\n",
			line: 11, col: 11, warning: "examples of a schema must be a list",
			check: func(t *testing.T, spec *ir.Spec) {
				require.Len(t, spec.Types, 1)
				require.Equal(t, "Name", spec.Types[0].Fields[0].Name)
			},
		},
		{
			name: "tuple items in minified JSON, two problems on one line",
			file: "api.json",
			doc: `{"openapi":"3.0.3","info":{"title":"T","version":2},"paths":{},"components":{"schemas":` +
				`{"Pair":{"type":"array","items":[{"type":"string"},{"type":"integer"}]}}}}`,
			line: 1, col: 50, warning: `version should be a string; read as "2"`,
			check: func(t *testing.T, spec *ir.Spec) {
				require.Len(t, spec.Warnings, 2)
				require.Contains(t, spec.Warnings[1].Message, "tuple form")
				require.Equal(t, ir.KindArray, spec.Types[0].Alias.Kind)
				require.Equal(t, ir.KindAny, spec.Types[0].Alias.Elem.Kind)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := write(t, tc.file, tc.doc)
			spec, err := openapi.Parse(context.Background(), path)
			require.NoError(t, err)
			require.NotEmpty(t, spec.Warnings)
			w := spec.Warnings[0]
			require.Equal(t, ir.Pos{File: path, Line: tc.line, Col: tc.col}, w.Pos, w.Message)
			require.Contains(t, w.Message, tc.warning)
			if tc.check != nil {
				tc.check(t, spec)
			}
		})
	}
}

// Values of the wrong type that cannot be repaired are reported at their
// position, also inside a referenced file, and references to the wrong
// kind of object at the reference.
func TestParseWrongTypesArePositioned(t *testing.T) {
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
			name:  "list where a schema is expected",
			files: []string{"api.yaml", header + "paths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n        required: [a, b]\n"},
			file:  "api.yaml", line: 8, col: 19, contains: "found a list where a schema is expected (at /components/schemas/A/properties/required)",
		},
		{
			name: "in a referenced file",
			files: []string{"api.yaml", header + "paths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'defs.yaml#/components/schemas/B'}\n",
				"defs.yaml", "components:\n  schemas:\n    B:\n      required:\n        - {allOf: [a]}\n"},
			file: "defs.yaml", line: 5, col: 11, contains: "found an object where a string is expected",
		},
		{
			name:  "string where a schema is expected",
			files: []string{"api.yaml", header + "paths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n        example: John Doe\n"},
			file:  "api.yaml", line: 8, col: 18, contains: "found a string where a schema is expected",
		},
		{
			name: "parameter with schema and content",
			files: []string{"api.yaml", header + `paths:
  /a:
    get:
      parameters:
        - name: q
          in: query
          schema: {type: string}
          content: {application/json: {schema: {type: string}}}
      responses: {"200": {description: ok}}
`},
			file: "api.yaml", line: 7, col: 11, contains: "both schema and content",
		},
		{
			name:  "empty property schema",
			files: []string{"api.yaml", header + "paths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n        x:\n"},
			file:  "api.yaml", line: 8, col: 9, contains: "a schema is empty",
		},
		{
			name:  "duplicate key",
			files: []string{"api.yaml", header + "paths: {}\ncomponents:\n  schemas:\n    A:\n      description: a\n      description: b\n"},
			file:  "api.yaml", line: 8, col: 7, contains: `mapping key "description" already defined`,
		},
		{
			name: "reference to the wrong kind of object",
			files: []string{"api.yaml", header + `paths:
  /a:
    get:
      responses:
        "200": {$ref: '#/components/requestBodies/B'}
components:
  requestBodies:
    B: {content: {application/json: {schema: {type: string}}}}
`},
			file: "api.yaml", line: 7, col: 23, contains: "points at the wrong kind of object",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := write(t, tc.files...)
			pe := parseErr(t, path)
			require.Equal(t, filepath.Join(filepath.Dir(path), tc.file), pe.Pos.File, pe.Error())
			require.Equal(t, tc.line, pe.Pos.Line, pe.Error())
			require.Equal(t, tc.col, pe.Pos.Col, pe.Error())
			require.Contains(t, pe.Error(), tc.contains)
		})
	}
}
