package monthly_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/examples/billing/monthly"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// The histories in testdata were recorded by
//
//	go run ./examples/billing -customers 10 -month 300ms -histories DIR
//
// (customers 1, 4, 7 and 10: one per way a billing ends). Replaying them
// against the current code catches any change that would break the
// instances running in production.
var histories = []string{"completed", "unsubscribed", "canceled", "payment_failed"}

// readHistory reads a recorded state. The files are indented for review;
// they are compacted back because workflowtest.Replay compares the recorded
// output byte for byte with the replayed one.
func readHistory(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, json.Compact(&b, data))
	return b.Bytes()
}

func TestRecordedHistoriesReplay(t *testing.T) {
	t.Parallel()
	for _, name := range histories {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, workflowtest.Replay(monthly.Workflow, readHistory(t, name)))
		})
	}
}

// TestReplayDetectsAChangedWorkflow replays the histories against a version
// that no longer checks the subscription each month: every history that
// reached a month's check must be rejected, naming the step.
func TestReplayDetectsAChangedWorkflow(t *testing.T) {
	t.Parallel()
	changed := workflow.Define(monthly.Name, func(ctx workflow.Context, in monthly.Input) (monthly.Result, error) {
		if _, _, err := workflow.SignalChannel[monthly.Unsubscribe](monthly.UnsubscribeSignal).ReceiveTimeout(ctx, in.MonthLength); err != nil {
			return monthly.Result{}, err
		}
		// The subscription check is skipped: the next step differs.
		_, err := subscription.NewSubscriptionServiceStub().CancelSubscription(ctx, &subscription.CancelSubscriptionRequest{CustomerId: in.CustomerID})
		return monthly.Result{}, err
	})
	for _, name := range histories {
		err := workflowtest.Replay(changed, readHistory(t, name))
		require.Error(t, err, name)
		require.Contains(t, err.Error(), "GetSubscription", name)
	}
}

// TestReplayRejectsHistoriesOfEarlierCode replays two histories recorded
// by earlier versions of the workflow, which Replay must reject, naming the
// first step that differs:
//
//   - payment_failed_before_saga, recorded before a month became a saga
//     (the payment came first, then the invoice): the current code issues
//     the invoice first, to void it when the card is declined;
//   - payment_failed_untyped, recorded before task errors carried their
//     type (and before the saga, so it differs at the same step).
//
// Changing the order of the steps, or what a workflow branches on, is a
// change of its code like any other: instances started before it finish on
// the old version (workflow.Version), and this check is what tells.
func TestReplayRejectsHistoriesOfEarlierCode(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"payment_failed_before_saga", "payment_failed_untyped"} {
		err := workflowtest.Replay(monthly.Workflow, readHistory(t, name))
		require.ErrorContains(t, err, "not deterministic at step 3: history has task PaymentService.RequestPayment, code issued task InvoiceService.CreateInvoice", name)
	}
}
