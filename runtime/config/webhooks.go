package config

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/webhook"
)

// Environment variables of the webhook receiver.
const (
	// EnvWebhooksAddr overrides webhooks.listen.
	EnvWebhooksAddr = "INFGEN_WEBHOOKS_ADDR"
	// EnvWebhooksURL overrides webhooks.url.
	EnvWebhooksURL = "INFGEN_WEBHOOKS_URL"
	// EnvWebhooksTokenSecret signs the callback URLs' tokens
	// (webhook.Options.TokenSecret); it is never read from the file.
	EnvWebhooksTokenSecret = "INFGEN_WEBHOOKS_TOKEN_SECRET"
)

// Webhooks configures the webhook receiver.
type Webhooks struct {
	// Listen is the address the receiver serves on (":8090"); empty: no
	// receiver. $INFGEN_WEBHOOKS_ADDR overrides it.
	Listen string `yaml:"listen"`
	// URL is the receiver's public base URL as the APIs reach it (behind
	// a proxy or load balancer); callback URLs start with it. Default
	// http://<listen address>. $INFGEN_WEBHOOKS_URL overrides it.
	URL string `yaml:"url"`
}

// serveWebhooks starts the webhook receiver when one is configured and
// sets cfg.Receiver; it returns what stops it.
func serveWebhooks(ctx context.Context, b *Backends, cfg *Config, logger *slog.Logger) (func() error, error) {
	addr := cmp.Or(os.Getenv(EnvWebhooksAddr), cfg.Webhooks.Listen)
	if addr == "" || addr == "off" {
		return func() error { return nil }, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("webhook receiver: listen on %s: %w", addr, err)
	}
	c, err := client.New(ctx, client.Options{Transport: b.Transport, Storage: b.Storage, Logger: logger})
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	url := cmp.Or(os.Getenv(EnvWebhooksURL), cfg.Webhooks.URL, "http://"+ln.Addr().String())
	var secret []byte
	if s := os.Getenv(EnvWebhooksTokenSecret); s != "" {
		secret = []byte(s)
	}
	cfg.Receiver = webhook.NewReceiver(c, webhook.Options{URL: url, TokenSecret: secret, Logger: logger})
	srv := &http.Server{Handler: cfg.Receiver, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("webhook receiver stopped", "error", err)
		}
	}()
	logger.Info("webhook receiver listening", "addr", ln.Addr().String(), "url", url)
	return func() error {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return errors.Join(srv.Shutdown(sctx), c.Close())
	}, nil
}
