package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// openTransport opens the infgen transport the configuration names and
// returns key=value pairs describing it.
func openTransport(ctx context.Context, cfg chainConfig, log *slog.Logger) (transport.Transport, [][2]string, error) {
	switch cfg.Transport {
	case "memory":
		return openMemoryTransport()
	case "pulsar":
		return openPulsarTransport(ctx, log)
	}
	return nil, nil, fmt.Errorf("unknown transport %q", cfg.Transport)
}

// storageInfo describes an opened storage: key=value pairs for the RESULT
// line and what to remove after Close.
type storageInfo struct {
	extra   [][2]string
	cleanup func() error
}

// openStorage opens the infgen storage the configuration names.
func openStorage(ctx context.Context, cfg chainConfig) (storage.Storage, storageInfo, error) {
	switch cfg.Storage {
	case "embedded":
		return openEmbeddedStorage(cfg.DB)
	case "memory":
		return openMemoryStorage()
	case "postgres":
		return openPostgresStorage(ctx)
	case "redis":
		return openRedisStorage(ctx)
	case "mysql":
		return openMySQLStorage(ctx)
	}
	return nil, storageInfo{}, fmt.Errorf("unknown storage %q", cfg.Storage)
}

func noCleanup() error { return nil }
