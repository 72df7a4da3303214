package main

import (
	"context"
	"errors"

	"github.com/infgen/infgen/runtime/storage"
)

// openMySQLStorage will open the MySQL/MariaDB storage named by
// INFGEN_MYSQL_DSN once runtime/storage/mysql lands.
func openMySQLStorage(context.Context) (storage.Storage, storageInfo, error) {
	return nil, storageInfo{}, errors.New("not available yet: runtime/storage/mysql is not part of this build; use -storage embedded, memory or postgres")
}
