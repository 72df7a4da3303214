package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/infgen/infgen/examples/billing/gen/payment"
	"github.com/infgen/infgen/runtime/webhook"
)

// The demo's secrets: the HMAC key the payment server signs its callbacks
// with (the receiver checks it) and the key of the callback URLs' tokens.
// Every process of a run must share them; a deployment takes them from its
// secret store.
var (
	webhookSecret = envOr("BILLING_WEBHOOK_SECRET", "billing-demo-webhook-secret")
	tokenSecret   = envOr("BILLING_WEBHOOK_TOKEN_SECRET", "billing-demo-token-secret")
)

func envOr(name, def string) []byte {
	if v := os.Getenv(name); v != "" {
		return []byte(v)
	}
	return []byte(def)
}

// hooks is the webhook receiver, where the payment server calls back the
// outcome of each charge: an HTTP server of its own (-webhooks, 127.0.0.1
// by default) delivering through the app's client. It holds no state, so
// any process with a client can serve it: with -role all it is this
// process; split across processes, the drive process serves it (on port
// -ports+5) and the work processes only make its URLs, so that a killed
// and replaced worker loses no callback.
type hooks struct {
	receiver *webhook.Receiver
	srv      *http.Server // nil in a -role work process
}

// startHooks starts the receiver as the role says, with the paymentOutcome
// callback endpoint registered.
func (a *app) startHooks() error {
	if a.cfg.role == roleWork {
		url := "http://" + a.hooksAddr()
		a.hooks = &hooks{receiver: webhook.NewReceiver(a.client, webhook.Options{URL: url, TokenSecret: tokenSecret, Logger: a.logger})}
		return nil
	}
	ln, err := a.listenHooks()
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	recv := webhook.NewReceiver(a.client, webhook.Options{URL: url, TokenSecret: tokenSecret, Logger: a.logger})
	if err := payment.HandlePaymentOutcome(recv, webhook.WithSecret(webhookSecret)); err != nil {
		_ = ln.Close()
		return fmt.Errorf("webhook receiver: %w", err)
	}
	srv := &http.Server{Handler: recv, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.logger.Error("webhook receiver stopped", "err", err)
		}
	}()
	a.hooks = &hooks{receiver: recv, srv: srv}
	return nil
}

func (h *hooks) close() error {
	if h.srv == nil {
		return nil
	}
	return h.srv.Close()
}

// hooksAddr is the receiver's address in a split run: -webhooks, or port
// -ports+5 of 127.0.0.1.
func (a *app) hooksAddr() string {
	if a.cfg.webhooks != "" {
		return a.cfg.webhooks
	}
	return fmt.Sprintf("127.0.0.1:%d", a.cfg.ports+5)
}

// listenHooks listens on -webhooks, or else on a free port of 127.0.0.1;
// with -db, the port chosen first is kept next to the state file
// (FILE.webhooks) and taken again by a rerun, so that the callbacks of
// charges made before a crash still find the receiver, as a deployment's
// public URL would.
func (a *app) listenHooks() (net.Listener, error) {
	addr, keep := a.cfg.webhooks, ""
	if a.cfg.role == roleDrive {
		addr = a.hooksAddr()
	}
	if addr == "" {
		addr = "127.0.0.1:0"
		if a.cfg.db != "" {
			keep = a.cfg.db + ".webhooks"
			if b, err := os.ReadFile(keep); err == nil {
				addr = strings.TrimSpace(string(b))
			}
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("webhook receiver: listen on %s: %w", addr, err)
	}
	if keep != "" {
		if err := os.WriteFile(keep, []byte(ln.Addr().String()+"\n"), 0o644); err != nil {
			_ = ln.Close()
			return nil, fmt.Errorf("webhook receiver: keep its address: %w", err)
		}
	}
	return ln, nil
}
