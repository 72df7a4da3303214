package main

import (
	"context"
	"fmt"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/redis"
)

// openRedisStorage opens the Redis storage named by
// INFGEN_REDIS_ADDR (scripts/services.sh env prints it).
func openRedisStorage(ctx context.Context) (storage.Storage, storageInfo, error) {
	cfg, err := redis.ConfigFromEnv()
	if err != nil {
		return nil, storageInfo{}, err
	}
	st, err := cfg.Open(ctx)
	if err != nil {
		return nil, storageInfo{}, fmt.Errorf("open (start a server with scripts/services.sh start redis): %w", err)
	}
	return st, storageInfo{extra: [][2]string{{"storage", "redis"}}, cleanup: noCleanup}, nil
}
