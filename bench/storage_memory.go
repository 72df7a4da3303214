package main

import (
	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
)

// openMemoryStorage returns a volatile in-memory storage: the bench's upper
// bound, without the cost of durable writes.
func openMemoryStorage() (storage.Storage, storageInfo, error) {
	return memstore.New(), storageInfo{extra: [][2]string{{"storage", "memory"}}, cleanup: noCleanup}, nil
}
