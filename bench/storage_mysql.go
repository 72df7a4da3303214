package main

import (
	"context"
	"fmt"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/mysql"
)

// openMySQLStorage opens the MySQL (or MariaDB) storage named by
// INFGEN_MYSQL_DSN (scripts/services.sh env prints it).
func openMySQLStorage(ctx context.Context) (storage.Storage, storageInfo, error) {
	cfg, err := mysql.ConfigFromEnv()
	if err != nil {
		return nil, storageInfo{}, err
	}
	st, err := cfg.Open(ctx)
	if err != nil {
		return nil, storageInfo{}, fmt.Errorf("open (start a server with scripts/services.sh start mysql): %w", err)
	}
	return st, storageInfo{extra: [][2]string{{"storage", "mysql"}}, cleanup: noCleanup}, nil
}
