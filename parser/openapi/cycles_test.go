package openapi_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	"github.com/infgen/infgen/parser/openapi"
)

// TestParseRejectsRefCycles: schemas that are only $refs to each other
// never reach a definition; the error names every $ref of the cycle at its
// file:line:col.
func TestParseRejectsRefCycles(t *testing.T) {
	t.Parallel()
	uses := `paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/A'}
`
	cases := []struct {
		name      string
		files     []string
		line, col int
		also      []string // the other $refs' positions (file:line:col relative to the directory)
		contains  string
	}{
		{
			name: "two schemas",
			files: []string{"api.yaml", header + uses + `components:
  schemas:
    A:
      $ref: '#/components/schemas/B'
    B:
      $ref: '#/components/schemas/A'
`},
			line: 15, col: 13, also: []string{"api.yaml:17:13"}, contains: `$ref cycle: "#/components/schemas/B" here, then "#/components/schemas/A" at `,
		},
		{
			name: "unused schemas",
			files: []string{"api.yaml", header + `paths: {}
components:
  schemas:
    C:
      $ref: '#/components/schemas/D'
    D:
      $ref: '#/components/schemas/E'
    E:
      $ref: '#/components/schemas/C'
`},
			line: 7, col: 13, also: []string{"api.yaml:9:13", "api.yaml:11:13"}, contains: "never reach a definition",
		},
		{
			name: "itself",
			files: []string{"api.yaml", header + `paths: {}
components:
  schemas:
    A: {$ref: '#/components/schemas/A'}
`},
			line: 6, col: 15, contains: "refers to the very object that holds it",
		},
		{
			name: "across files",
			files: []string{"api.yaml", header + uses + `components:
  schemas:
    A:
      $ref: 'defs.yaml#/B'
`, "defs.yaml", "B:\n  $ref: 'api.yaml#/components/schemas/A'\n"},
			line: 15, col: 13, also: []string{"defs.yaml:2:9"}, contains: "$ref cycle",
		},
		{
			name: "swagger 2.0 definitions",
			files: []string{"api.yaml", `swagger: "2.0"
info: {title: S, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          schema: {$ref: '#/definitions/A'}
definitions:
  A:
    $ref: '#/definitions/B'
  B:
    $ref: '#/definitions/A'
`},
			line: 12, col: 11, also: []string{"api.yaml:14:11"}, contains: "$ref cycle",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := write(t, tc.files...)
			pe := parseErr(t, path)
			require.Equal(t, ir.Pos{File: path, Line: tc.line, Col: tc.col}, pe.Pos, pe.Error())
			require.Contains(t, pe.Error(), tc.contains)
			for _, at := range tc.also {
				require.Contains(t, pe.Error(), filepath.Join(filepath.Dir(path), at))
			}
		})
	}
}

// TestParseAcceptsRefChainsAndRecursion: a chain of $refs that ends in a
// definition, and recursion through an object, are not cycles.
func TestParseAcceptsRefChainsAndRecursion(t *testing.T) {
	t.Parallel()
	path := write(t, "api.yaml", header+`paths: {}
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/Node'}
    Node:
      type: object
      properties:
        next: {$ref: '#/components/schemas/A'}
`)
	spec, err := openapi.Parse(context.Background(), path)
	require.NoError(t, err)
	var names []string
	for _, ty := range spec.Types {
		names = append(names, ty.Name)
	}
	require.Equal(t, []string{"A", "B", "Node"}, names)
}
