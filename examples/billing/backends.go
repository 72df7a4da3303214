package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/mysql"
	"github.com/infgen/infgen/runtime/storage/postgres"
	"github.com/infgen/infgen/runtime/storage/redis"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/pulsar"
)

// backends are the transport and storage the example runs on.
type backends struct {
	tr transport.Transport
	st storage.Storage
}

// openBackends opens the embedded default (in-process transport, the -db
// file or memory), or with -transport pulsar the broker of INFGEN_PULSAR_URL
// and the storage INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN
// names, shared by every process of the run.
func openBackends(ctx context.Context, cfg config, logger *slog.Logger) (*backends, error) {
	if cfg.transport == "embedded" {
		rt, err := local.Open(cfg.db)
		if err != nil {
			return nil, err
		}
		return &backends{tr: rt.Transport, st: rt.Storage}, nil
	}
	pc, err := pulsar.ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	pc.Logger = logger
	st, err := openSharedStorage(ctx)
	if err != nil {
		return nil, err
	}
	tr, err := pulsar.New(ctx, pc)
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("connect to Pulsar at %s: %w", pc.URL, err)
	}
	return &backends{tr: tr, st: st}, nil
}

// openSharedStorage opens the storage the environment names.
func openSharedStorage(ctx context.Context) (storage.Storage, error) {
	switch {
	case os.Getenv(postgres.EnvDSN) != "":
		c, err := postgres.ConfigFromEnv()
		if err != nil {
			return nil, err
		}
		return c.Open(ctx)
	case os.Getenv(redis.EnvAddr) != "":
		c, err := redis.ConfigFromEnv()
		if err != nil {
			return nil, err
		}
		return c.Open(ctx)
	case os.Getenv(mysql.EnvDSN) != "":
		c, err := mysql.ConfigFromEnv()
		if err != nil {
			return nil, err
		}
		return c.Open(ctx)
	}
	return nil, errors.New("-transport pulsar needs a shared storage: set INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN")
}

func (b *backends) close() error {
	return errors.Join(b.tr.Close(), b.st.Close())
}
