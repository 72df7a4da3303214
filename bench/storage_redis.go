package main

import (
	"context"
	"errors"

	"github.com/infgen/infgen/runtime/storage"
)

// openRedisStorage will open the Redis storage named by INFGEN_REDIS_ADDR
// once runtime/storage/redis lands.
func openRedisStorage(context.Context) (storage.Storage, storageInfo, error) {
	return nil, storageInfo{}, errors.New("not available yet: runtime/storage/redis is not part of this build; use -storage embedded, memory or postgres")
}
