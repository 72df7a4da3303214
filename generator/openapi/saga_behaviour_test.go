package openapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	saga "github.com/infgen/infgen/golden/saga/expected"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
	"github.com/infgen/infgen/runtime/workflowtest"
)

// chargeServer is the payment API of golden/saga: POST /charges answers a
// new charge, DELETE /charges/{id} refunds it, GET /charges/{id} is 404.
type chargeServer struct {
	mu      sync.Mutex
	n       int
	refunds []string
}

func (s *chargeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/charges":
		s.n++
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, `{"id":"ch_%d","status":"pending"}`, s.n)
	case r.Method == http.MethodDelete:
		s.refunds = append(s.refunds, strings.TrimPrefix(r.URL.Path, "/charges/"))
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"title":"no such charge","status":404}`)
	}
}

// TestGeneratedCompensationRefundsCharges runs a workflow on the generated
// stub of golden/saga against a real HTTP server: each CreateChargeCompensated
// registers the spec's refundCharge with the charge id from the response,
// and a failed step refunds both charges, the last first, once each. The
// recorded history replays.
func TestGeneratedCompensationRefundsCharges(t *testing.T) {
	t.Parallel()
	srv := &chargeServer{}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	flow := workflow.Define("saga.charges", func(ctx workflow.Context, customer string) (string, error) {
		pay := saga.NewPaymentsWithWebhooksAndCallbacksStub()
		s := workflow.NewSaga()
		for range 2 {
			if _, err := pay.CreateChargeCompensated(ctx, s, &saga.CreateChargeInput{Body: &saga.ChargeRequest{
				CustomerID: customer, Amount: 100, Currency: "EUR", CallbackURL: "http://example.com/cb",
			}}); err != nil {
				return "", err
			}
		}
		_, err := pay.GetCharge(ctx, &saga.GetChargeInput{ChargeID: "missing"})
		var notFound *saga.GetChargeError
		if !errors.As(err, &notFound) {
			return "", fmt.Errorf("want a GetChargeError, got %v", err)
		}
		return fmt.Sprintf("compensated %d", s.Len()), s.Compensate(ctx)
	})
	env := workflowtest.NewEnv(t, func(w *worker.Worker) error {
		if err := saga.Register(w, saga.NewHTTPClient(hs.URL)); err != nil {
			return err
		}
		return w.RegisterWorkflow(flow)
	})
	out, err := workflowtest.ExecuteRef(env, flow, "cus_1", client.StartParams{ID: "saga-charges"})
	require.NoError(t, err)
	require.Equal(t, "compensated 2", out)
	require.Equal(t, []string{"ch_2", "ch_1"}, srv.refunds)

	state, err := env.Client.State(context.Background(), "saga-charges")
	require.NoError(t, err)
	require.NoError(t, workflowtest.Replay(flow, state))
}

// TestGeneratedCompensationNeedsItsValues: a response without the body the
// compensation reads yields an error instead of a refund of nothing.
func TestGeneratedCompensationNeedsItsValues(t *testing.T) {
	t.Parallel()
	stub := saga.NewPaymentsWithWebhooksAndCallbacksStub()
	_, err := stub.CreateChargeCompensation(&saga.CreateChargeInput{}, &saga.CreateChargeOutput{StatusCode: 202})
	require.EqualError(t, err, "compensation of CreateCharge: $response.body#/id is missing")
	c, err := stub.CreateChargeCompensation(nil, &saga.CreateChargeOutput{Body: &saga.Charge{ID: "ch_9"}})
	require.NoError(t, err)
	require.Equal(t, "PaymentsWithWebhooksAndCallbacks.RefundCharge", c.Name)
}
