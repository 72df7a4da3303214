package webhook_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/webhook"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

const doc = `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{
 "Outcome":{"type":"object","required":["id","status"],"properties":{"id":{"type":"string"},"status":{"type":"string","enum":["ok","failed"]},"code":{"type":["string","null"]}}}}}}`

type outcome struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// collect waits for signals on a channel until "stop" and returns them.
func collect(ctx workflow.Context, channel string) ([]outcome, error) {
	var got []outcome
	for {
		v, err := workflow.SignalChannel[outcome](channel).Receive(ctx)
		if err != nil {
			return nil, err
		}
		if v.Status == "stop" {
			return got, nil
		}
		got = append(got, v)
	}
}

func setup(t *testing.T) (*client.Client, *webhook.Receiver, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	tr, st := memory.New(), memstore.New()
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Options{Transport: tr, Storage: st, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, worker.RegisterWorkflow(w, "collect", func(ctx workflow.Context, ch string) ([]outcome, error) { return collect(ctx, ch) }))
	require.NoError(t, w.Start(ctx))
	c, err := client.New(ctx, client.Options{Transport: tr, Storage: st, Logger: quiet, PollInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	r := webhook.NewReceiver(c, webhook.Options{URL: srv.URL + "/hooks", TokenSecret: []byte("tok"), Logger: quiet})
	mux.Handle("/hooks/", http.StripPrefix("/hooks", r))
	t.Cleanup(func() { srv.Close(); _ = c.Close(); _ = w.Stop(); _ = tr.Close() })
	return c, r, srv
}

func post(t *testing.T, url, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.String()
}

func TestCallbackDeliveredOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, r, _ := setup(t)
	secret := []byte("s3cret")
	schemas := webhook.NewSchemas(doc)
	require.NoError(t, r.Handle(webhook.Endpoint{Kind: webhook.KindCallback, Signal: "Pay.outcome", Validate: schemas.Validator("Outcome")},
		webhook.WithSecret(secret), webhook.WithDeliveryHeader("X-Delivery-Id")))
	ch := webhook.CallbackSignal("Pay.outcome", "k1")
	_, err := c.Start(ctx, client.StartParams{Workflow: "collect", ID: "wf1", Input: ch})
	require.NoError(t, err)
	url := r.CallbackURL("wf1", "Pay.outcome", "k1")

	ok := `{"id":"c1","status":"ok","code":null}`
	code, msg := post(t, url, ok, "X-Signature", webhook.Sign(secret, []byte(ok)), "X-Delivery-Id", "d1")
	require.Equal(t, http.StatusNoContent, code, msg)
	code, msg = post(t, url, ok, "X-Signature", webhook.Sign(secret, []byte(ok)), "X-Delivery-Id", "d1")
	require.Equal(t, http.StatusNoContent, code, "a redelivery is acknowledged: %s", msg)

	code, msg = post(t, url, ok, "X-Signature", webhook.Sign([]byte("wrong"), []byte(ok)), "X-Delivery-Id", "d2")
	require.Equal(t, http.StatusUnauthorized, code, msg)
	code, msg = post(t, url, ok, "X-Delivery-Id", "d2")
	require.Equal(t, http.StatusUnauthorized, code, msg)
	bad := `{"id":"c1","status":"maybe"}`
	code, msg = post(t, url, bad, "X-Signature", webhook.Sign(secret, []byte(bad)), "X-Delivery-Id", "d3")
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "invalid payload: at '/status': value must be one of 'ok', 'failed'\n", msg)
	code, _ = post(t, strings.Replace(url, "/Pay.outcome/", "/Pay.other/", 1), ok)
	require.Equal(t, http.StatusNotFound, code)
	forged := r.CallbackURL("wf2", "Pay.outcome", "k1")
	forged = url[:strings.LastIndex(url, ".")] + forged[strings.LastIndex(forged, "."):]
	code, _ = post(t, forged, ok, "X-Signature", webhook.Sign(secret, []byte(ok)), "X-Delivery-Id", "d4")
	require.Equal(t, http.StatusNotFound, code, "a token signed for another workflow")

	stop := `{"id":"c1","status":"ok"}`
	_, err = c.Signal(ctx, client.Target{ID: "wf1"}, ch, outcome{Status: "stop"})
	require.NoError(t, err)
	got, err := client.Result[[]outcome](ctx, c, "wf1")
	require.NoError(t, err)
	require.Equal(t, []outcome{{ID: "c1", Status: "ok"}}, got, "one signal for two deliveries, none for refused ones")
	code, _ = post(t, url, stop, "X-Signature", webhook.Sign(secret, []byte(stop)), "X-Delivery-Id", "d9")
	require.Equal(t, http.StatusGone, code)
	code, _ = post(t, url, ok, "X-Signature", webhook.Sign(secret, []byte(ok)), "X-Delivery-Id", "d1")
	require.Equal(t, http.StatusNoContent, code, "a redelivery after the end is still acknowledged")
}

func TestWebhookRoutes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, r, srv := setup(t)
	require.NoError(t, r.Handle(webhook.Endpoint{Kind: webhook.KindWebhook, Signal: "Pay.settled",
		Route: webhook.Route{Pointer: "/id", Prefix: "charge-"}}))
	require.Error(t, r.Handle(webhook.Endpoint{Kind: webhook.KindWebhook, Signal: "Pay.unrouted"}))
	url := srv.URL + "/hooks" + webhook.Path("Pay.settled")

	code, _ := post(t, url, `{"id":"c7","status":"ok"}`)
	require.Equal(t, http.StatusNotFound, code, "no such workflow")
	_, err := c.Start(ctx, client.StartParams{Workflow: "collect", ID: "charge-c7", Input: "Pay.settled"})
	require.NoError(t, err)
	code, _ = post(t, url, `{"id":"c7","status":"ok"}`)
	require.Equal(t, http.StatusNoContent, code)
	code, _ = post(t, url, `{"id":"c7","status":"ok"}`)
	require.Equal(t, http.StatusNoContent, code, "same body: same delivery")
	code, _ = post(t, url, `{"status":"ok"}`)
	require.Equal(t, http.StatusBadRequest, code, "no id to route by")
	code, _ = post(t, url, `{"id":"c7","status":"stop"}`)
	require.Equal(t, http.StatusNoContent, code)
	got, err := client.Result[[]outcome](ctx, c, "charge-c7")
	require.NoError(t, err)
	require.Equal(t, []outcome{{ID: "c7", Status: "ok"}}, got)
}

// TestBrokenSchemasAre500: embedded schemas that do not load refuse every
// delivery with 500 (no redelivery can succeed), not as the sender's fault.
func TestBrokenSchemasAre500(t *testing.T) {
	t.Parallel()
	_, r, srv := setup(t)
	require.NoError(t, r.Handle(webhook.Endpoint{Kind: webhook.KindWebhook, Signal: "Pay.broken", Route: webhook.Route{Pointer: "/id"},
		Validate: webhook.NewSchemas(`{"openapi":`).Validator("Outcome")}))
	require.NoError(t, r.Handle(webhook.Endpoint{Kind: webhook.KindWebhook, Signal: "Pay.missing", Route: webhook.Route{Pointer: "/id"},
		Validate: webhook.NewSchemas(doc).Validator("Nope")}))
	for _, s := range []string{"Pay.broken", "Pay.missing"} {
		code, msg := post(t, srv.URL+"/hooks"+webhook.Path(s), `{"id":"x","status":"ok"}`)
		require.Equal(t, http.StatusInternalServerError, code, msg)
	}
}

// TestPayloadKinds: a text body is delivered as a JSON string, a body of an
// endpoint that declares none as null; a JSON endpoint refuses non-JSON.
func TestPayloadKinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, r, _ := setup(t)
	require.NoError(t, r.Handle(webhook.Endpoint{Kind: webhook.KindCallback, Signal: "Pay.text", Payload: webhook.PayloadText}))
	require.NoError(t, r.Handle(webhook.Endpoint{Kind: webhook.KindCallback, Signal: "Pay.none", Payload: webhook.PayloadNone}))
	require.NoError(t, r.Handle(webhook.Endpoint{Kind: webhook.KindCallback, Signal: "Pay.json"}))
	_, err := c.Start(ctx, client.StartParams{Workflow: "collect", ID: "wfp", Input: "unused"})
	require.NoError(t, err)
	code, _ := post(t, r.CallbackURL("wfp", "Pay.text", "k"), "plain words")
	require.Equal(t, http.StatusNoContent, code)
	code, _ = post(t, r.CallbackURL("wfp", "Pay.none", "k"), "ignored")
	require.Equal(t, http.StatusNoContent, code)
	code, msg := post(t, r.CallbackURL("wfp", "Pay.json", "k"), "not json")
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, "invalid payload: not a JSON document\n", msg)
	raw, err := c.State(ctx, "wfp")
	require.NoError(t, err)
	require.Contains(t, string(raw), `"channel":"Pay.text/k","payload":"plain words"`)
	// null: written as such into the inbox, left out once a worker has
	// applied the signal (a stored null payload reads back empty).
	require.Regexp(t, `"channel":"Pay.none/k",("payload":null,)?"id"`, string(raw))
	require.NotContains(t, string(raw), "Pay.json/k")
}

// TestNilReceiverMakesNoURL: a worker without a receiver (config's
// Receiver is nil) can still pass it to WithCallbacks.
func TestNilReceiverMakesNoURL(t *testing.T) {
	t.Parallel()
	var r *webhook.Receiver
	var urls webhook.URLs = r
	require.Empty(t, urls.CallbackURL("wf", "S.cb", "k"))
}
