package worker_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

type invoiceIn struct {
	Customer string
	Month    int
}

type invoiceOut struct{ Number string }

// invoiceRef and yearRef are typed references: the only places the names
// are written.
var (
	invoiceRef = workflow.Define("refs.invoice", func(ctx workflow.Context, in invoiceIn) (invoiceOut, error) {
		return invoiceOut{Number: in.Customer + "-" + string(rune('A'+in.Month-1)) + "/" + ctx.Info().ParentID}, nil
	})
	yearRef = workflow.Define("refs.year", func(ctx workflow.Context, customer string) ([]string, error) {
		first, err := invoiceRef.Run(ctx, invoiceIn{Customer: customer, Month: 1})
		if err != nil {
			return nil, err
		}
		second := invoiceRef.Dispatch(ctx, invoiceIn{Customer: customer, Month: 2},
			workflow.WithChildID(customer+"-feb"), workflow.WithTags("invoice"))
		out, err := second.Await(ctx)
		if err != nil {
			return nil, err
		}
		return []string{first.Number, out.Number}, nil
	})
)

// TestTypedRefsStartWorkflowsAndChildren registers, starts and runs
// children through typed references only.
func TestTypedRefsStartWorkflowsAndChildren(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		require.NoError(t, w.RegisterWorkflow(invoiceRef, yearRef))
	})
	ctx := ctxT(t)
	got, err := client.ExecuteRef(ctx, e.client, yearRef, "ada", client.StartParams{ID: "ada-2026"})
	require.NoError(t, err)
	require.Equal(t, []string{"ada-A/ada-2026", "ada-B/ada-2026"}, got)

	d, err := e.client.Describe(ctx, "ada-feb")
	require.NoError(t, err, "WithChildID names the child")
	require.Equal(t, "refs.invoice", d.Name)
	ids, err := e.client.ListByTag(ctx, "invoice")
	require.NoError(t, err)
	require.Equal(t, []string{"ada-feb"}, ids, "WithTags tags the child")

	id, err := client.StartRef(ctx, e.client, invoiceRef, invoiceIn{Customer: "bob", Month: 3}, client.StartParams{})
	require.NoError(t, err)
	out, err := client.Result[invoiceOut](ctx, e.client, id)
	require.NoError(t, err)
	require.Equal(t, "bob-C/", out.Number)

	_, err = client.StartRef(ctx, e.client, invoiceRef, invoiceIn{}, client.StartParams{Workflow: "refs.year"})
	require.ErrorContains(t, err, `StartParams.Workflow is "refs.year" but the reference names "refs.invoice"`)
	_, err = client.StartRef(ctx, e.client, invoiceRef, invoiceIn{}, client.StartParams{Input: 1})
	require.ErrorContains(t, err, "pass the input as StartRef's argument")
	_, err = client.StartRef(ctx, e.client, workflow.Ref[invoiceIn, invoiceOut]{}, invoiceIn{}, client.StartParams{})
	require.ErrorContains(t, err, "zero workflow.Ref")
}
