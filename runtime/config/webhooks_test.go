package config

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/webhook"
)

// TestWebhookReceiver: webhooks.listen serves a receiver on its own
// address and hands it to the registration as cfg.Receiver; its callback
// URLs start with webhooks.url. Without listen there is no receiver.
func TestWebhookReceiver(t *testing.T) {
	t.Setenv("INFGEN_PULSAR_URL", "")
	t.Setenv(EnvWebhooksAddr, "")
	t.Setenv(EnvWebhooksURL, "")
	t.Setenv("INFGEN_EMBEDDED_PATH", filepath.Join(t.TempDir(), "state.db"))
	ctx := context.Background()
	b, err := OpenBackends(ctx, nil)
	require.NoError(t, err)
	defer func() { require.NoError(t, b.Close()) }()
	quiet := slog.New(slog.DiscardHandler)

	cfg, err := Parse("worker.yaml", []byte("webhooks:\n  listen: 127.0.0.1:0\n  url: https://hooks.example.com/base\n"))
	require.NoError(t, err)
	stop, err := serveWebhooks(ctx, b, cfg, quiet)
	require.NoError(t, err)
	require.NotNil(t, cfg.Receiver)
	require.True(t, strings.HasPrefix(cfg.Receiver.CallbackURL("wf", "S.cb", "k"), "https://hooks.example.com/base/callbacks/S.cb/"))
	require.NoError(t, cfg.Receiver.Handle(webhook.Endpoint{Kind: webhook.KindCallback, Signal: "S.cb"}))
	require.NoError(t, stop())

	cfg, err = Parse("worker.yaml", []byte("webhooks:\n  listen: 127.0.0.1:0\n"))
	require.NoError(t, err)
	stop, err = serveWebhooks(ctx, b, cfg, quiet)
	require.NoError(t, err)
	u := cfg.Receiver.CallbackURL("wf", "S.cb", "k")
	require.True(t, strings.HasPrefix(u, "http://127.0.0.1:"), u)
	res, err := http.Post(u, "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode, "no endpoint registered: the receiver itself answers")
	require.NoError(t, stop())

	cfg, err = Parse("worker.yaml", nil)
	require.NoError(t, err)
	stop, err = serveWebhooks(ctx, b, cfg, quiet)
	require.NoError(t, err)
	require.Nil(t, cfg.Receiver)
	require.NoError(t, stop())
}
