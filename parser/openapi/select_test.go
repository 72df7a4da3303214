package openapi_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	"github.com/infgen/infgen/parser/openapi"
)

const selectSpec = "../../golden/openapi-select/input/spec.yaml"

func methodNames(s *ir.Spec) []string {
	var names []string
	for _, m := range s.Services[0].Methods {
		names = append(names, m.Name)
	}
	return names
}

func typeNames(s *ir.Spec) []string {
	var names []string
	for _, t := range s.Types {
		names = append(names, t.Name)
	}
	return names
}

func TestSelectOperationsKeepsWhatTheyUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	all, err := openapi.Parse(ctx, selectSpec)
	require.NoError(t, err)
	require.Empty(t, all.Selection)

	s, err := openapi.Parse(ctx, selectSpec, openapi.SelectOperations([]string{"getCustomer"}, []string{"orders"}))
	require.NoError(t, err)
	require.Equal(t, []string{"CreateOrder", "GetOrder", "DeleteOrder", "GetCustomer"}, methodNames(s),
		"the tagged ones, the one named, and DeleteOrder, which compensates CreateOrder")
	require.Equal(t, []string{"NewOrder", "Order", "OrderStatus", "Item", "Customer", "Address", "Problem"}, typeNames(s))
	require.NotContains(t, typeNames(s), "Invoice")
	require.Equal(t, "operations getCustomer and operations tagged orders (4 of 5 operations)", s.Selection)
	require.Len(t, all.Warnings, 1, "the token parameter of listInvoices")
	require.Contains(t, all.Warnings[0].Message, "token looks like a credential")
	require.Empty(t, s.Warnings, "no warning about an operation that is not generated")

	// A method is selected by its Go name too, and keeps the name it has in
	// the whole document.
	one, err := openapi.Parse(ctx, selectSpec, openapi.SelectOperations([]string{"ListInvoices"}, nil))
	require.NoError(t, err)
	require.Equal(t, []string{"ListInvoices"}, methodNames(one))
	require.Equal(t, []string{"Customer", "Address", "Invoice"}, typeNames(one), "in document order")
	require.Equal(t, all.Warnings, one.Warnings)
}

func TestSelectOperationsRejectsUnknownNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := openapi.Parse(ctx, selectSpec, openapi.SelectOperations([]string{"getOrders"}, nil))
	require.EqualError(t, err, `select operations: `+selectSpec+` has no operation "getOrders" (did you mean "getOrder"?)`)
	_, err = openapi.Parse(ctx, selectSpec, openapi.SelectOperations(nil, []string{"order"}))
	require.EqualError(t, err, `select operations: no operation of `+selectSpec+` is tagged "order" (did you mean "orders"?)`)
}
