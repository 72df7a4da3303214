package webhook_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/webhook"
)

// printSignals stands for a *client.Client: it prints what it would
// deliver, once per key.
type printSignals struct{ seen map[string]bool }

func (p *printSignals) SignalOnce(_ context.Context, id, channel, key string, value any) error {
	if !p.seen[key] {
		p.seen[key] = true
		fmt.Printf("signal %s on %s: %s\n", id, channel, value)
	}
	return nil
}

func (p *printSignals) SignalWithStartOnce(ctx context.Context, sp client.StartParams, channel, key string, value any) (string, error) {
	return sp.ID, p.SignalOnce(ctx, sp.ID, channel, key, value)
}

// A receiver with one signed webhook endpoint, routed by the payload's
// chargeId: a delivery, its redelivery (acknowledged, not signalled again)
// and a delivery with a wrong signature.
func ExampleReceiver() {
	secret := []byte("whsec_example")
	r := webhook.NewReceiver(&printSignals{seen: map[string]bool{}}, webhook.Options{URL: "https://hooks.example.com", Logger: slog.New(slog.DiscardHandler)})
	err := r.Handle(webhook.Endpoint{Kind: webhook.KindWebhook, Signal: "Payments.chargeSettled",
		Route: webhook.Route{Pointer: "/chargeId", Prefix: "charge-"}}, webhook.WithSecret(secret))
	if err != nil {
		panic(err)
	}
	send := func(body, signature string) {
		req := httptest.NewRequest(http.MethodPost, webhook.Path("Payments.chargeSettled"), strings.NewReader(body))
		req.Header.Set("X-Signature", signature)
		req.Header.Set("X-Delivery-Id", "evt_1")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Println(strings.TrimSpace(fmt.Sprint(rec.Code, " ", rec.Body.String())))
	}
	body := `{"chargeId":"ch_1","status":"succeeded"}`
	send(body, webhook.Sign(secret, []byte(body)))
	send(body, webhook.Sign(secret, []byte(body)))
	send(body, webhook.Sign([]byte("guess"), []byte(body)))
	// Output:
	// signal charge-ch_1 on Payments.chargeSettled: {"chargeId":"ch_1","status":"succeeded"}
	// 204
	// 204
	// 401 X-Signature: signature does not match
}

// Sign computes the signature the receiver checks, as a sender would.
func ExampleSign() {
	fmt.Println(webhook.Sign([]byte("secret"), []byte(`{"ok":true}`)))
	// Output: sha256=f6b4a2841c93f8bf2fb8f2c13d8fb0b6c8e8019f09ee405d248daa8385fad638
}
