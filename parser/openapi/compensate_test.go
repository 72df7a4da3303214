package openapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	"github.com/infgen/infgen/parser/openapi"
)

// TestParseCompensation records x-infgen-compensate in the IR: the
// compensating method's Go name and each argument's expression, parsed.
func TestParseCompensation(t *testing.T) {
	t.Parallel()
	spec, err := openapi.Parse(context.Background(), "../../golden/saga/input/spec.yaml")
	require.NoError(t, err)
	m := spec.Services[0].MethodByName("CreateCharge")
	require.NotNil(t, m)
	require.NotNil(t, m.Compensate)
	require.Equal(t, "RefundCharge", m.Compensate.Method)
	require.Equal(t, []ir.CompensationArg{{Param: "chargeId", Expr: ir.Expr{
		Text: "$response.body#/id", Source: ir.ExprResponseBody, Pointer: []string{"id"},
	}}}, m.Compensate.Args)
	require.Equal(t, 17, m.Compensate.Pos.Line)
	require.Nil(t, spec.Services[0].MethodByName("RefundCharge").Compensate)
}

const compensated = header + `paths:
  /orders/{orderId}/items:
    post:
      operationId: addItem
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
        - {name: note, in: query, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {sku: {type: string}, qty: {type: integer}}}
      x-infgen-compensate:
        operationId: %s
        args: {%s}
      responses:
        '201':
          description: added
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Item'}
  /orders/{orderId}/items/{itemId}:
    delete:
      operationId: removeItem
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
        - {name: itemId, in: path, required: true, schema: {type: string}}
        - {name: reason, in: query, schema: {type: string}}
      responses:
        '204': {description: removed}
components:
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: string}
        count: {type: integer}
        link: {type: object, properties: {href: {type: string}}}
`

func compensatedSpec(t *testing.T, id, args string) string {
	return write(t, "spec.yaml", strings.Replace(strings.Replace(compensated, "%s", id, 1), "%s", args, 1))
}

// TestParseCompensationExpressions accepts each source of a runtime
// expression, through nested properties.
func TestParseCompensationExpressions(t *testing.T) {
	t.Parallel()
	spec, err := openapi.Parse(context.Background(), compensatedSpec(t, "removeItem",
		"orderId: $request.path.orderId, itemId: $response.body#/link/href, reason: $request.body#/sku"))
	require.NoError(t, err)
	c := spec.Services[0].MethodByName("AddItem").Compensate
	require.NotNil(t, c)
	require.Equal(t, "RemoveItem", c.Method)
	require.Len(t, c.Args, 3)
	require.Equal(t, []string{"link", "href"}, c.Args[0].Expr.Pointer)
	require.Equal(t, ir.ExprRequestPath, c.Args[1].Expr.Source)
	require.Equal(t, ir.ExprRequestBody, c.Args[2].Expr.Source)
}

// TestParseCompensationErrors: every mistake is an error at the position of
// what is wrong.
func TestParseCompensationErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ id, args, want string }{
		{"removeItems", "itemId: $response.body#/id", `15:22: x-infgen-compensate: unknown operationId "removeItems" (did you mean "removeItem"?)`},
		{"addItem", "itemId: $response.body#/id", `15:22: x-infgen-compensate: operation "addItem" cannot compensate itself`},
		{"removeItem", "orderId: $request.path.orderId, itemId: response.body#/id", `16:56: x-infgen-compensate.args.itemId: runtime expression "response.body#/id": want $request.path`},
		{"removeItem", "orderId: $request.path.orderId, itemId: $response.body#/nope", `16:56: x-infgen-compensate.args.itemId: $response.body#/nope: Item has no property "nope"`},
		{"removeItem", "orderId: $request.path.order, itemId: $response.body#/id", `16:25: x-infgen-compensate.args.orderId: $request.path.order: AddItem has no path parameter "order"`},
		{"removeItem", "orderId: $request.path.orderId, itemId: $response.body#/count", `16:56: x-infgen-compensate.args.itemId: $response.body#/count is int64, but itemId of RemoveItem is string`},
		{"removeItem", "orderId: $request.path.orderId, item: $response.body#/id", `16:54: x-infgen-compensate.args.item: RemoveItem has no parameter "item" (it has: orderId, itemId, reason)`},
		{"removeItem", "orderId: $request.path.orderId", `15:9: x-infgen-compensate: args has no value for "itemId", a path parameter of removeItem`},
		{"removeItem", "orderId: $request.path.orderId, itemId: $request.body#id", `16:56: x-infgen-compensate.args.itemId: runtime expression "$request.body#id": want a JSON pointer`},
	} {
		pe := parseErr(t, compensatedSpec(t, tc.id, tc.args))
		require.Contains(t, pe.Error(), "/spec.yaml:"+tc.want, tc.args)

	}
}

func TestParseExpr(t *testing.T) {
	t.Parallel()
	e, err := ir.ParseExpr("$request.body#/a~1b/c~0d")
	require.NoError(t, err)
	require.Equal(t, []string{"a/b", "c~d"}, e.Pointer)
	e, err = ir.ParseExpr("$request.header.X-Request-Id")
	require.NoError(t, err)
	require.Equal(t, ir.Expr{Text: "$request.header.X-Request-Id", Source: ir.ExprRequestHeader, Name: "X-Request-Id"}, e)
	for _, bad := range []string{"", "$", "$request.path.", "$response.header.x", "$url", "$response.body#x"} {
		_, err := ir.ParseExpr(bad)
		require.Error(t, err, bad)
	}
}
