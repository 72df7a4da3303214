package proto_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// TestLoadCompensation reads (infgen.compensate), importing
// infgen/options.proto without -I, into the IR with the Go selectors of
// its arguments.
func TestLoadCompensation(t *testing.T) {
	t.Parallel()
	input := filepath.Join("..", "..", "golden", "proto-saga", "input")
	spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{input}, Files: []string{"orders.proto"}})
	require.NoError(t, err)
	svc := spec.Services[0]
	c := svc.MethodByName("CreateOrder").Compensate
	require.NotNil(t, c)
	require.Equal(t, "CancelOrder", c.Method)
	require.Equal(t, ir.Pos{File: "orders.proto", Line: 14, Col: 5}, c.Pos)
	require.Equal(t, []ir.CompensationArg{
		{Param: "order_id", Expr: ir.Expr{Text: "$response.body#/id", Source: ir.ExprResponseBody, Pointer: []string{"id"}}, GoTarget: "OrderId", GoSource: []string{"GetId"}, GoString: true},
		{Param: "reason", Expr: ir.Expr{Text: "$request.body#/note", Source: ir.ExprRequestBody, Pointer: []string{"note"}}, GoTarget: "Reason", GoSource: []string{"GetNote"}, GoPointer: true, GoString: true},
	}, c.Args)
	require.Equal(t, []string{"GetReservation", "GetId"}, svc.MethodByName("ReserveStock").Compensate.Args[0].GoSource)
	require.Nil(t, svc.MethodByName("CancelOrder").Compensate)
}

// TestLoadCompensationErrors: each mistake is an error at the option.
func TestLoadCompensationErrors(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("..", "..", "golden", "proto-saga", "input", "orders.proto"))
	require.NoError(t, err)
	const declared = `method: "CancelOrder"
      args: {key: "order_id" value: "$response.body#/id"}
      args: {key: "reason" value: "$request.body#/note"}`
	require.Contains(t, string(src), declared)
	for _, tc := range []struct{ option, want string }{
		{`method: "CancelOrders"`, `Orders has no unary rpc "CancelOrders" (it has: CreateOrder, CancelOrder, ReserveStock, ReleaseStock)`},
		{`method: "CreateOrder"`, `an rpc cannot compensate itself`},
		{`args: {key: "order_id" value: "$response.body#/id"}`, `method is required`},
		{`method: "CancelOrder" args: {key: "order" value: "$response.body#/id"}`, `args: shop.v1.CancelOrderRequest has no field "order"`},
		{`method: "CancelOrder" args: {key: "order_id" value: "$response.body#/nope"}`, `args.order_id: $response.body#/nope: shop.v1.Order has no field "nope"`},
		{`method: "CancelOrder" args: {key: "order_id" value: "$request.path.id"}`, `args.order_id: $request.path.id: a gRPC call has only $request.body#/… and $response.body#/…`},
		{`method: "CancelOrder" args: {key: "order_id" value: "response.body#/id"}`, `args.order_id: runtime expression "response.body#/id"`},
		{`method: "ReleaseStock" args: {key: "sku" value: "$response.body#/status"}`, ``},
	} {
		dir := writeTree(t, map[string]string{"orders.proto": strings.Replace(string(src), declared, tc.option, 1)})
		_, err := load(t, dir, "orders.proto")
		if tc.want == "" {
			require.NoError(t, err, tc.option)
			continue
		}
		require.ErrorContains(t, err, "orders.proto:14:5: (infgen.compensate) on CreateOrder: "+tc.want, tc.option)
	}
	dir := writeTree(t, map[string]string{"orders.proto": strings.Replace(string(src), `$response.body#/reservation/id`, `$response.body#/reservation`, 1)})
	_, err = load(t, dir, "orders.proto")
	require.ErrorContains(t, err, "(infgen.compensate) on ReserveStock: args.reservation_id: $response.body#/reservation is shop.v1.Reservation, but reservation_id is string")
}
