package openapi_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	"github.com/infgen/infgen/parser/openapi"
)

// A Swagger 2.0 document is converted to OpenAPI 3.0; definitions and
// operations keep their positions in the 2.0 file, and response codes
// written as YAML integers, extensions among the paths and the base path
// survive the conversion.
func TestParseSwagger2(t *testing.T) {
	t.Parallel()
	path := write(t, "api.yaml", `swagger: "2.0"
info: {title: Shop, version: 1.0}
host: shop.example.com
basePath: /v1
paths:
  x-note: not a path
  /orders:
    post:
      operationId: createOrder
      parameters:
        - {name: body, in: body, required: true, schema: {$ref: '#/definitions/Order'}}
        - {name: trace, in: header, type: string}
      responses:
        201: {description: created, schema: {$ref: '#/definitions/Order'}}
    get:
      parameters:
        - {name: status, in: head, type: string}
      responses:
        200: {description: ok}
definitions:
  Order:
    type: object
    properties:
      total: {type: number}
      id: {type: string}
      lines: {type: array, items: [{type: string}, {type: integer}]}
`)
	spec, err := openapi.Parse(context.Background(), path)
	require.NoError(t, err)
	require.Equal(t, []string{"https://shop.example.com/v1"}, spec.Servers)
	require.Len(t, spec.Types, 1)
	order := spec.Types[0]
	require.Equal(t, ir.Pos{File: path, Line: 21, Col: 3}, order.Pos)
	require.Equal(t, "Total", order.Fields[0].Name, "properties keep document order")
	methods := spec.Services[0].Methods
	require.Len(t, methods, 2)
	create := methods[0]
	require.Equal(t, "CreateOrder", create.Name)
	require.Equal(t, ir.Pos{File: path, Line: 8, Col: 5}, create.Pos)
	require.NotNil(t, create.HTTP.Body)
	require.Equal(t, "*/*", create.HTTP.Body.Contents[0].MediaType, "2.0 without consumes accepts anything")
	require.Equal(t, ir.KindNamed, create.HTTP.Body.Contents[0].Type.Kind)
	require.Equal(t, "201", create.HTTP.Responses[0].Status)
	require.Equal(t, "1.0", spec.Version)
	require.Len(t, spec.Warnings, 3)
	require.Equal(t, ir.Pos{File: path, Line: 2, Col: 30}, spec.Warnings[0].Pos, spec.Warnings[0].Message)
	require.Contains(t, spec.Warnings[0].Message, `version should be a string; read as "1.0"`)
	require.Equal(t, 15, spec.Warnings[1].Pos.Line, spec.Warnings[1].Message)
	require.Equal(t, 26, spec.Warnings[2].Pos.Line, spec.Warnings[2].Message)
	require.Contains(t, spec.Warnings[2].Message, "tuple form")
}

// A byte order mark does not hide the version field.
func TestParseSwagger2WithByteOrderMark(t *testing.T) {
	t.Parallel()
	path := write(t, "api.yaml", "\ufeffswagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n")
	spec, err := openapi.Parse(context.Background(), path)
	require.NoError(t, err)
	require.Equal(t, "T", spec.Title)
}

func TestParseSwagger2ErrorsCarryPositions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, doc string
		line, col int
		contains  string
	}{
		{
			name: "unresolved definition",
			doc: "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n" +
				"      responses:\n        200: {description: ok, schema: {$ref: '#/definitions/Missing'}}\n",
			line: 7, col: 47, contains: `unresolved $ref "#/definitions/Missing"`,
		},
		{
			name: "empty response",
			doc:  "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n",
			line: 7, col: 9, contains: "a response is empty",
		},
		{
			name: "body and formData parameters",
			doc: "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    post:\n      parameters:\n" +
				"        - {name: b, in: body, schema: {type: string}}\n        - {name: f, in: formData, type: string}\n" +
				"      responses: {200: {description: ok}}\n",
			line: 6, col: 7, contains: "both a body parameter and formData parameters",
		},
		{
			name: "parameter referring to a definition",
			doc: "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n" +
				"        - $ref: '#/definitions/D'\n      responses: {200: {description: ok}}\ndefinitions:\n  D: {type: string}\n",
			line: 7, col: 17, contains: `$ref "#/definitions/D" points at the wrong kind of object`,
		},
		{
			name: "alias bomb",
			doc: "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\nx-a: &a [x,x,x,x,x,x,x,x,x,x]\n" +
				"x-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx-c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
				"x-d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\nx-e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n" +
				"x-f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\nx-g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
			line: 1, col: 1, contains: "expands to more than",
		},
		{
			name: "host with a path",
			doc:  "swagger: '2.0'\ninfo: {title: T, version: '1'}\nhost: example.com/api\npaths: {}\n",
			line: 3, col: 7, contains: "host",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pe := parseErr(t, write(t, "api.yaml", tc.doc))
			require.Equal(t, tc.line, pe.Pos.Line, pe.Error())
			require.Equal(t, tc.col, pe.Pos.Col, pe.Error())
			require.Contains(t, pe.Error(), tc.contains)
		})
	}
}
