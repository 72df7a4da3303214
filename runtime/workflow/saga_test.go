package workflow_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/workflow"
)

// TestCompensationErrorKeepsEachFailure: the message lists every failure
// and what was skipped; errors.Is and errors.As see each cause.
func TestCompensationErrorKeepsEachFailure(t *testing.T) {
	t.Parallel()
	refund := &workflow.TaskError{Service: "PaymentService", Method: "RefundCharge", Cause: errors.New("HTTP 409")}
	errVoid := errors.New("void refused")
	err := error(&workflow.CompensationError{
		Failed:  []workflow.CompensationFailure{{Name: "PaymentService.RefundCharge", Err: refund}, {Name: "InvoiceService.VoidInvoice", Err: errVoid}},
		Skipped: []string{"EmailService.Retract"},
	})
	require.Contains(t, err.Error(), "workflow: 2 compensations failed: PaymentService.RefundCharge: ")
	require.Contains(t, err.Error(), "; InvoiceService.VoidInvoice: void refused; not run: EmailService.Retract")
	require.ErrorIs(t, err, errVoid)
	var te *workflow.TaskError
	require.ErrorAs(t, err, &te)
	require.Equal(t, "RefundCharge", te.Method)
}

// TestSagaIgnoresACompensationWithoutStart: Add of a compensation that
// cannot start registers nothing; AddFunc registers one.
func TestSagaIgnoresACompensationWithoutStart(t *testing.T) {
	t.Parallel()
	saga := workflow.NewSaga()
	saga.AddFunc("a", func(workflow.Context) error { return nil })
	require.Equal(t, 1, saga.Len())
	saga.Add(workflow.Compensation{Name: "no start"})
	require.Equal(t, 1, saga.Len())
}
