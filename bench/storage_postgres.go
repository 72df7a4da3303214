package main

import (
	"context"
	"fmt"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/postgres"
)

// openPostgresStorage opens the PostgreSQL storage named by
// INFGEN_POSTGRES_DSN (scripts/services.sh env prints it).
func openPostgresStorage(ctx context.Context) (storage.Storage, storageInfo, error) {
	cfg, err := postgres.ConfigFromEnv()
	if err != nil {
		return nil, storageInfo{}, err
	}
	st, err := cfg.Open(ctx)
	if err != nil {
		return nil, storageInfo{}, fmt.Errorf("open (start a server with scripts/services.sh start postgres): %w", err)
	}
	return st, storageInfo{extra: [][2]string{{"storage", "postgres"}}, cleanup: noCleanup}, nil
}
