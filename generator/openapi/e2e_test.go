package openapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	expected "github.com/infgen/infgen/golden/features/expected"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/retry"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// billingAPI is a fake of the features spec's API: it fails the first
// attempt of every invoice creation with 503 and remembers the idempotency
// keys it saw; customer "reject" gets a 422.
type billingAPI struct {
	mu   sync.Mutex
	keys []string
}

func (a *billingAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := r.Header.Get("Idempotency-Key")
	a.keys = append(a.keys, key)
	var in expected.NewInvoice
	_ = json.NewDecoder(r.Body).Decode(&in)
	w.Header().Set("Content-Type", "application/json")
	switch {
	case in.Customer == "reject":
		w.WriteHeader(422)
		_, _ = io.WriteString(w, `{"title":"customer rejected"}`)
	case len(a.keys)%2 == 1:
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(503)
	default:
		w.WriteHeader(201)
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "inv-" + key, "customer": in.Customer, "lines": []any{}, "status": "open", "createdAt": "2024-01-01T00:00:00Z"})
	}
}

// TestEndToEndWorkflowThroughGeneratedStubAndWorker runs a workflow that
// calls the generated stub; the task runs in a worker where the generated
// HTTP client is registered, against a real HTTP server. A 503 is retried
// with the same idempotency key; a 422 reaches the workflow as an error
// without retries.
func TestEndToEndWorkflowThroughGeneratedStubAndWorker(t *testing.T) {
	t.Parallel()
	api := &billingAPI{}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	tr, store := memory.New(), memstore.New()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: logger})
	require.NoError(t, err)
	fast := retry.Policy{MaxAttempts: 3, Initial: 5 * time.Millisecond, Multiplier: 2, Max: 50 * time.Millisecond}
	require.NoError(t, expected.Register(w, expected.NewHTTPClient(srv.URL), worker.WithRetry(fast)))
	billing := expected.NewBillingStub()
	require.NoError(t, worker.RegisterWorkflow(w, "bill", func(ctx workflow.Context, customer string) (string, error) {
		out, err := billing.CreateInvoice(ctx, &expected.CreateInvoiceInput{Body: &expected.NewInvoice{Customer: customer}})
		if err != nil {
			return "", err
		}
		return out.Body.ID, nil
	}))
	require.NoError(t, w.Start(context.Background()))
	c, err := client.New(context.Background(), client.Options{Transport: tr, Storage: store, PollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = w.Stop()
		_ = tr.Close()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)

	id, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "bill", Input: "acme"})
	require.NoError(t, err)
	api.mu.Lock()
	keys := append([]string(nil), api.keys...)
	api.mu.Unlock()
	require.Len(t, keys, 2, "the 503 was retried once")
	require.NotEmpty(t, keys[0])
	require.Equal(t, keys[0], keys[1], "the task id is a stable idempotency key")
	require.Equal(t, "inv-"+keys[0], id)

	_, err = client.Execute[string](ctx, c, client.StartParams{Workflow: "bill", Input: "reject"})
	require.Error(t, err)
	require.Contains(t, err.Error(), "422")
	api.mu.Lock()
	require.Len(t, api.keys, 3, "a 422 is not retried")
	api.mu.Unlock()
}

// TestRegisterCarriesTaskOptions checks that x-infgen-timeout and
// x-infgen-retry of the features spec reach the registered methods: the
// worker stops retrying CreateInvoice after its 7 attempts, not the
// default 5.
func TestRegisterCarriesTaskOptions(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		w.WriteHeader(503)
	}))
	t.Cleanup(srv.Close)
	tr, store := memory.New(), memstore.New()
	w, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	require.NoError(t, expected.Register(w, expected.NewHTTPClient(srv.URL)))
	billing := expected.NewBillingStub()
	require.NoError(t, worker.RegisterWorkflow(w, "bill", func(ctx workflow.Context, _ string) (string, error) {
		_, err := billing.CreateInvoice(ctx, &expected.CreateInvoiceInput{Body: &expected.NewInvoice{}})
		return "", err
	}))
	require.NoError(t, w.Start(context.Background()))
	c, err := client.New(context.Background(), client.Options{Transport: tr, Storage: store, PollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = w.Stop()
		_ = tr.Close()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	_, err = client.Execute[string](ctx, c, client.StartParams{Workflow: "bill"})
	require.Error(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, 7, calls, "maxAttempts from x-infgen-retry")
}

// TestDeclaredErrorReachesTheWorkflowTyped answers CreateInvoice with a 402
// problem body from a real HTTP server. The generated client decodes it into
// *CreateInvoiceError; the service runs in one worker (generated Register)
// and the workflow in another that never calls Register, and errors.As on
// the generated type matches in the workflow, with the status, headers and
// decoded problem body, after a single attempt.
func TestDeclaredErrorReachesTheWorkflowTyped(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("X-Decline-Code", "insufficient_funds")
		w.WriteHeader(http.StatusPaymentRequired)
		_, _ = io.WriteString(w, `{"type":"https://example.com/declined","title":"Card declined","status":402,"detail":"insufficient funds"}`)
	}))
	t.Cleanup(srv.Close)

	tr, store := memory.New(), memstore.New()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	services, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: logger})
	require.NoError(t, err)
	require.NoError(t, expected.Register(services, expected.NewHTTPClient(srv.URL)))
	workflows, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: logger})
	require.NoError(t, err)
	billing := expected.NewBillingStub()
	require.NoError(t, worker.RegisterWorkflow(workflows, "bill", func(ctx workflow.Context, customer string) (string, error) {
		_, err := billing.CreateInvoice(ctx, &expected.CreateInvoiceInput{Body: &expected.NewInvoice{Customer: customer}})
		var declined *expected.CreateInvoiceError
		if !errors.As(err, &declined) {
			return "", fmt.Errorf("not a *CreateInvoiceError: %T %w", err, err)
		}
		var te *workflow.TaskError
		if !errors.As(err, &te) {
			return "", errors.New("not a *TaskError")
		}
		return fmt.Sprintf("%d %s: %s (code %s, %d attempt)", declined.StatusCode, *declined.Body.Title, *declined.Body.Detail,
			declined.Header.Get("X-Decline-Code"), te.Attempts), nil
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	require.NoError(t, services.Start(ctx))
	require.NoError(t, workflows.Start(ctx))
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: store, PollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = workflows.Stop()
		_ = services.Stop()
		_ = tr.Close()
	})
	got, err := client.Execute[string](ctx, c, client.StartParams{Workflow: "bill", Input: "acme"})
	require.NoError(t, err)
	require.Equal(t, "402 Card declined: insufficient funds (code insufficient_funds, 1 attempt)", got)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, 1, calls, "a 402 is not retried")
}

// TestErrorTypesRoundTrip checks the generated ErrorTypes: every declared
// error and APIError is named after the service and encodes to JSON and
// back without loss.
func TestErrorTypesRoundTrip(t *testing.T) {
	t.Parallel()
	title := "bad"
	for _, e := range []error{
		&expected.CreateInvoiceError{StatusCode: 402, Header: http.Header{"X-A": {"1"}}, Message: "m", Body: &expected.Problem{Title: &title}},
		&expected.APIError{Operation: "GetInvoice", StatusCode: 418, Message: "teapot"},
	} {
		var found bool
		for _, et := range expected.ErrorTypes() {
			if !et.Match(e) {
				continue
			}
			require.False(t, found, "one type matches %T", e)
			found = true
			require.Equal(t, expected.ServiceName+"."+reflect.TypeOf(e).Elem().Name(), et.Name)
			b, err := et.Marshal(e)
			require.NoError(t, err)
			back, err := et.Unmarshal(b)
			require.NoError(t, err)
			require.Equal(t, e, back)
		}
		require.True(t, found, "no error type for %T", e)
	}
}

// TestGeneratedStubTakesCallOptions calls the generated stub with per-call
// options against an API that always answers 503, on a worker whose
// service configuration allows 9 attempts: the spec's 7 attempts
// (x-infgen-retry) win over the service configuration, the call's 2 win
// over both, and the call's idempotency key is the header the API sees.
func TestGeneratedStubTakesCallOptions(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		mu.Unlock()
		w.WriteHeader(503)
	}))
	t.Cleanup(srv.Close)
	tr, store := memory.New(), memstore.New()
	w, err := worker.New(worker.Options{Transport: tr, Storage: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	nine := retry.Policy{MaxAttempts: 9, Initial: time.Millisecond}
	require.NoError(t, expected.Register(w, expected.NewHTTPClient(srv.URL), worker.WithRetry(nine)))
	billing := expected.NewBillingStub()
	require.NoError(t, worker.RegisterWorkflow(w, "bill", func(ctx workflow.Context, withOptions bool) (string, error) {
		var opts []workflow.CallOption
		if withOptions {
			opts = append(opts, workflow.WithRetry(retry.Policy{MaxAttempts: 2, Initial: time.Millisecond}),
				workflow.WithIdempotencyKey("invoice-42"))
		}
		_, err := billing.CreateInvoice(ctx, &expected.CreateInvoiceInput{Body: &expected.NewInvoice{}}, opts...)
		return "", err
	}))
	require.NoError(t, w.Start(context.Background()))
	c, err := client.New(context.Background(), client.Options{Transport: tr, Storage: store, PollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = w.Stop()
		_ = tr.Close()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		got := keys
		keys = nil
		return got
	}

	_, err = client.Execute[string](ctx, c, client.StartParams{Workflow: "bill", Input: true})
	var failed *workflow.TaskError
	require.ErrorAs(t, err, &failed)
	require.Equal(t, []string{"invoice-42", "invoice-42"}, take(), "the call's 2 attempts, with the call's key")

	_, err = client.Execute[string](ctx, c, client.StartParams{Workflow: "bill", Input: false})
	require.ErrorAs(t, err, &failed)
	require.Len(t, take(), 7, "the spec's 7 attempts, not the service configuration's 9")
	require.Equal(t, 7, failed.Attempts)
}
