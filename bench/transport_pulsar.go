package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/pulsar"
)

// openPulsarTransport connects to the broker named by the INFGEN_PULSAR_*
// environment variables (scripts/pulsar.sh env prints them). Each run uses
// its own topic prefix so that a backlog left by an interrupted run does not
// slow this one down.
func openPulsarTransport(ctx context.Context, log *slog.Logger) (transport.Transport, [][2]string, error) {
	cfg, err := pulsar.ConfigFromEnv()
	if err != nil {
		return nil, nil, err
	}
	cfg.TopicPrefix += "bench-" + runID() + "-"
	cfg.Logger = log
	t, err := pulsar.New(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to %s (start a broker with scripts/pulsar.sh start): %w", cfg.URL, err)
	}
	return t, [][2]string{{"transport", "pulsar"}, {"pulsar", cfg.URL}}, nil
}
