package ir_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
)

// TestSuggestCompensationsByName pairs CreateX with CancelX (DeleteX
// first when both exist), ChargeX with RefundX; methods already declaring
// a compensation, and verbs with no undo, are left out.
func TestSuggestCompensationsByName(t *testing.T) {
	t.Parallel()
	grpc := func(name string) ir.Method { return ir.Method{Name: name, GRPC: &ir.GRPCBinding{}} }
	declared := grpc("BookFlight")
	declared.Compensate = &ir.Compensation{Method: "CancelFlight"}
	spec := &ir.Spec{Services: []ir.Service{{Name: "Orders", Methods: []ir.Method{
		grpc("CreateOrder"), grpc("CancelOrder"), grpc("DeleteOrder"),
		grpc("ChargeCard"), grpc("RefundCard"),
		declared, grpc("CancelFlight"),
		grpc("GetOrder"), grpc("Create"),
	}}}}
	var pairs []string
	for _, s := range ir.SuggestCompensations(spec) {
		pairs = append(pairs, s.Method.Name+"→"+s.Undo.Name)
	}
	require.Equal(t, []string{"CreateOrder→DeleteOrder", "ChargeCard→RefundCard"}, pairs)
}

// TestSuggestCompensationsByPath pairs POST /x with DELETE /x/{id} and
// guesses the id from the response body, keeping parent path parameters.
func TestSuggestCompensationsByPath(t *testing.T) {
	t.Parallel()
	str := ir.TypeRef{Kind: ir.KindString}
	spec := &ir.Spec{
		Types: []ir.Type{{Name: "Item", Kind: ir.TypeStruct, Fields: []ir.Field{{Name: "ID", JSONName: "id", Type: str, Required: true}}}},
		Services: []ir.Service{{Name: "Carts", Methods: []ir.Method{
			{Name: "PutItem", HTTP: &ir.HTTPBinding{Method: "POST", Path: "/carts/{cartId}/items",
				Params:    []ir.Param{{Name: "cartId", In: ir.InPath, Type: str}},
				Responses: []ir.Response{{Status: "201", Contents: []ir.Content{{Type: ir.TypeRef{Kind: ir.KindNamed, Name: "Item"}}}}}}},
			{Name: "DropItem", HTTP: &ir.HTTPBinding{Method: "DELETE", Path: "/carts/{cartId}/items/{itemId}",
				Params: []ir.Param{{Name: "cartId", In: ir.InPath, Type: str}, {Name: "itemId", In: ir.InPath, Type: str}}}},
		}}},
	}
	got := ir.SuggestCompensations(spec)
	require.Len(t, got, 1)
	require.Equal(t, "DropItem", got[0].Undo.Name)
	var args []string
	for _, a := range got[0].Args {
		args = append(args, a.Param+"="+a.Expr.Text)
	}
	require.Equal(t, []string{"cartId=$request.path.cartId", "itemId=$response.body#/id"}, args)
}
