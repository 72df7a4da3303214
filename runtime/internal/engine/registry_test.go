package engine

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClosestNames(t *testing.T) {
	t.Parallel()
	names := []string{"billing.monthly", "billing.yearly", "orders.ship", "5b552b1d-registry.monthly", "59522fc4-registry.monthly"}
	require.Equal(t, []string{"billing.monthly"}, closest("billing.montly", names))
	require.Equal(t, []string{"billing.monthly"}, closest("Billing.Monthly", names), "case does not matter")
	require.Equal(t, []string{"orders.ship"}, closest("orders", names), "a prefix of a name")
	require.Equal(t, []string{"5b552b1d-registry.monthly"}, closest("5b552b1d-registry.month", names))
	require.Empty(t, closest("payments.refund", names))
	require.Equal(t, []string{"a.b"}, closest("a.c", []string{"a.b", "a.b"}), "no name twice")
}

func TestUnknownWorkflowErrorText(t *testing.T) {
	t.Parallel()
	require.EqualError(t, &UnknownWorkflowError{Name: "billing.montly", Suggestions: []string{"billing.monthly"}, Known: 2},
		`unknown workflow "billing.montly" — did you mean "billing.monthly"?`)
	require.EqualError(t, &UnknownWorkflowError{Name: "x", Known: 0},
		`unknown workflow "x": no worker has registered a workflow on this store yet`)
	require.EqualError(t, &UnknownWorkflowError{Name: "x", Known: 3},
		`unknown workflow "x": no worker on this store has registered it`)
	require.ErrorIs(t, &UnknownWorkflowError{Name: "x"}, ErrUnknownWorkflow)
}
