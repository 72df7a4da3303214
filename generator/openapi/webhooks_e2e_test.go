package openapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	payments "github.com/infgen/infgen/golden/webhooks/expected"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/storage/postgres"
	"github.com/infgen/infgen/runtime/storage/storagetest"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/webhook"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

var hookSecret = []byte("whsec_test")

// paymentsAPI implements the payments-webhooks spec: createCharge answers
// 202 and then, unless the customer is "silent", calls back the request's
// callbackUrl (signed, twice with the same Webhook-Id: a redelivery) and
// sends the chargeSettled webhook (twice with the same X-Delivery-Id).
type paymentsAPI struct {
	settledURL string
	mu         sync.Mutex
	n          int
	callbacks  []string // the callback URLs received
	statuses   []int    // the answers to every delivery sent
	sent       chan struct{}
}

func (a *paymentsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in payments.ChargeRequest
	if r.Method != http.MethodPost || r.URL.Path != "/charges" || json.NewDecoder(r.Body).Decode(&in) != nil || r.Header.Get("Idempotency-Key") == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	a.n++
	id := fmt.Sprintf("ch_%d", a.n)
	a.callbacks = append(a.callbacks, in.CallbackURL)
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(payments.Charge{ID: id, Status: payments.ChargeStatusPending})
	if in.CustomerID == "silent" {
		return
	}
	go func() {
		body, _ := json.Marshal(payments.ChargeOutcome{ChargeID: id, Status: payments.ChargeOutcomeStatusSucceeded})
		for range 2 {
			a.send(in.CallbackURL, body, "Webhook-Id", "cb-"+id, "X-Signature", webhook.Sign(hookSecret, body))
		}
		for range 2 {
			a.send(a.settledURL, body, "X-Delivery-Id", "settled-"+id)
		}
		a.sent <- struct{}{}
	}()
}

func (a *paymentsAPI) send(url string, body []byte, header ...string) {
	status := post(url, body, header...)
	a.mu.Lock()
	a.statuses = append(a.statuses, status)
	a.mu.Unlock()
}

func post(url string, body []byte, header ...string) int {
	code, _ := postReason(url, body, header...)
	return code
}

func postReason(url string, body []byte, header ...string) (int, string) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(msg)
}

type chargeParams struct {
	Customer string
	Timeout  time.Duration
}

// chargeWorkflow calls createCharge, awaits its chargeOutcome callback,
// then waits for "done" (so that redeliveries reach it running).
func chargeWorkflow(ctx workflow.Context, p chargeParams) (string, error) {
	pay := payments.NewPaymentsWithWebhooksAndCallbacksStub()
	call := pay.CallCreateCharge(ctx, &payments.CreateChargeInput{Body: &payments.ChargeRequest{CustomerID: p.Customer, Amount: 1250, Currency: "EUR"}})
	if _, err := call.Await(ctx); err != nil {
		return "", err
	}
	outcome, err := pay.AwaitChargeOutcome(ctx, call, p.Timeout)
	var timeout *workflow.TimeoutError
	if errors.As(err, &timeout) {
		return "timeout", nil
	}
	if err != nil {
		return "", err
	}
	if _, err := workflow.SignalChannel[string]("done").Receive(ctx); err != nil {
		return "", err
	}
	return outcome.ChargeID + " " + string(outcome.Status), nil
}

// settleWorkflow is started by the chargeSettled webhook.
func settleWorkflow(ctx workflow.Context, _ json.RawMessage) (string, error) {
	v, err := payments.ChargeSettledChannel().Receive(ctx)
	if err != nil {
		return "", err
	}
	return v.ChargeID + " " + string(v.Status), nil
}

// hookStores are the stores the webhook tests run on.
var hookStores = []struct {
	name string
	open func(t *testing.T) storage.Storage
}{
	{"memory", func(*testing.T) storage.Storage { return memstore.New() }},
	{"embedded", func(t *testing.T) storage.Storage {
		s, err := embedded.Open(filepath.Join(t.TempDir(), "state.db"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
	{"postgres", func(t *testing.T) storage.Storage {
		dsn := storagetest.ServerEnv(t, "INFGEN_POSTGRES_DSN")
		s, err := postgres.Open(context.Background(), dsn, postgres.WithTablePrefix(fmt.Sprintf("hooks%x_", rand.Uint32())), postgres.WithMaxConns(4))
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}},
}

// signals counts the signals a workflow has received on channels starting
// with prefix (applied or waiting in its inbox).
func signals(t *testing.T, c *client.Client, id, prefix string) int {
	t.Helper()
	raw, err := c.State(context.Background(), id)
	require.NoError(t, err)
	var st struct {
		Batches []struct {
			Events []struct{ Kind, Channel string }
		}
		Inbox []struct{ Kind, Channel string }
	}
	require.NoError(t, json.Unmarshal(raw, &st))
	n := 0
	count := func(kind, channel string) {
		if kind == "signal" && strings.HasPrefix(channel, prefix) {
			n++
		}
	}
	for _, b := range st.Batches {
		for _, e := range b.Events {
			count(e.Kind, e.Channel)
		}
	}
	for _, e := range st.Inbox {
		count(e.Kind, e.Channel)
	}
	return n
}

type hookEnv struct {
	api    *paymentsAPI
	client *client.Client
}

func newHookEnv(t *testing.T, open func(t *testing.T) storage.Storage) *hookEnv {
	t.Helper()
	ctx := context.Background()
	tr, st := memory.New(), open(t)
	quiet := slog.New(slog.DiscardHandler)
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: st, Logger: quiet, PollInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	mux := http.NewServeMux()
	hooks := httptest.NewServer(mux)
	recv := webhook.NewReceiver(c, webhook.Options{URL: hooks.URL + "/hooks", TokenSecret: []byte("tokens"), Logger: quiet})
	mux.Handle("/hooks/", http.StripPrefix("/hooks", recv))
	require.NoError(t, payments.HandleChargeOutcome(recv, webhook.WithSecret(hookSecret)))
	require.NoError(t, payments.HandleChargeSettled(recv, webhook.Route{Pointer: "/chargeId", Prefix: "settle-", Start: "settle"}))

	api := &paymentsAPI{settledURL: hooks.URL + "/hooks" + webhook.Path(payments.ChargeSettledSignal), sent: make(chan struct{}, 4)}
	apiSrv := httptest.NewServer(api)
	w, err := worker.New(worker.Options{Transport: tr, Storage: st, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, payments.Register(w, payments.NewHTTPClient(apiSrv.URL, payments.WithCallbacks(recv))))
	require.NoError(t, worker.RegisterWorkflow(w, "charge", chargeWorkflow))
	require.NoError(t, worker.RegisterWorkflow(w, "settle", settleWorkflow))
	require.NoError(t, w.Start(ctx))
	t.Cleanup(func() { apiSrv.Close(); hooks.Close(); _ = w.Stop(); _ = c.Close(); _ = tr.Close() })
	return &hookEnv{api: api, client: c}
}

// TestCallbackEndToEnd: a workflow calls createCharge and awaits its
// chargeOutcome callback, which the API sends to the URL the generated
// client put in the request; the redelivery is acknowledged but signals
// nothing; an invalid payload (400) and a bad signature (401) store
// nothing; the chargeSettled webhook starts a workflow once.
func TestCallbackEndToEnd(t *testing.T) {
	t.Parallel()
	for _, st := range hookStores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			e := newHookEnv(t, st.open)
			_, err := e.client.Start(ctx, client.StartParams{Workflow: "charge", ID: "order-1", Input: chargeParams{Customer: "cus_1", Timeout: time.Hour}})
			require.NoError(t, err)
			select {
			case <-e.api.sent:
			case <-time.After(30 * time.Second):
				t.Fatal("the API never sent the callback")
			}
			e.api.mu.Lock()
			statuses, url := cloneInts(e.api.statuses), e.api.callbacks[0]
			e.api.mu.Unlock()
			require.Equal(t, []int{204, 204, 204, 204}, statuses, "deliveries and redeliveries are acknowledged")
			require.Contains(t, url, "/hooks/callbacks/"+payments.ChargeOutcomeSignal+"/", "the client filled callbackUrl with the receiver's URL")

			cb := payments.ChargeOutcomeSignal + "/"
			require.Equal(t, 1, signals(t, e.client, "order-1", cb), "two deliveries, one signal")
			bad := []byte(`{"chargeId":"ch_1","status":"maybe"}`)
			code, reason := postReason(url, bad, "X-Signature", webhook.Sign(hookSecret, bad), "Webhook-Id", "other")
			require.Equal(t, http.StatusBadRequest, code)
			require.Contains(t, reason, "status")
			good := []byte(`{"chargeId":"ch_1","status":"failed","failureCode":null}`)
			require.Equal(t, http.StatusUnauthorized, post(url, good, "X-Signature", webhook.Sign([]byte("wrong"), good), "Webhook-Id", "other2"))
			require.Equal(t, http.StatusUnauthorized, post(url, good, "Webhook-Id", "other3"))
			require.Equal(t, 1, signals(t, e.client, "order-1", cb), "a refused delivery stored a signal")

			_, err = e.client.Signal(ctx, client.Target{ID: "order-1"}, "done", "")
			require.NoError(t, err)
			got, err := client.Result[string](ctx, e.client, "order-1")
			require.NoError(t, err)
			require.Equal(t, "ch_1 succeeded", got)

			settled, err := client.Result[string](ctx, e.client, "settle-ch_1")
			require.NoError(t, err)
			require.Equal(t, "ch_1 succeeded", settled)
			require.Equal(t, 1, signals(t, e.client, "settle-ch_1", payments.ChargeSettledSignal), "two webhook deliveries, one signal")
		})
	}
}

// TestCallbackTimeout: without a callback, AwaitChargeOutcome returns a
// *workflow.TimeoutError once its timer fires.
func TestCallbackTimeout(t *testing.T) {
	t.Parallel()
	for _, st := range hookStores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			e := newHookEnv(t, st.open)
			got, err := client.Execute[string](ctx, e.client, client.StartParams{Workflow: "charge", ID: "order-silent",
				Input: chargeParams{Customer: "silent", Timeout: 50 * time.Millisecond}})
			require.NoError(t, err)
			require.Equal(t, "timeout", got)
			e.api.mu.Lock()
			defer e.api.mu.Unlock()
			require.Len(t, e.api.callbacks, 1)
			require.Equal(t, 0, signals(t, e.client, "order-silent", payments.ChargeOutcomeSignal), "nothing was delivered")
		})
	}
}

func cloneInts(s []int) []int { return append([]int(nil), s...) }
