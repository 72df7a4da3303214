package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
)

// openEmbeddedStorage opens the single-file storage at path, or at a new
// file in a temporary directory (removed on cleanup) when path is empty.
func openEmbeddedStorage(path string) (storage.Storage, storageInfo, error) {
	cleanup, extra := noCleanup, [][2]string{{"storage", "embedded"}}
	if path != "" {
		extra = append(extra, [2]string{"db", path})
	} else {
		dir, err := os.MkdirTemp("", "infgen-bench-")
		if err != nil {
			return nil, storageInfo{}, fmt.Errorf("create a temporary directory for the state file: %w", err)
		}
		path = filepath.Join(dir, "state.db")
		cleanup = func() error { return os.RemoveAll(dir) }
	}
	st, err := embedded.Open(path)
	if err != nil {
		return nil, storageInfo{}, errors.Join(err, cleanup())
	}
	return st, storageInfo{extra: extra, cleanup: cleanup}, nil
}
