package config

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
	"github.com/infgen/infgen/runtime/storage/mysql"
	"github.com/infgen/infgen/runtime/storage/postgres"
	"github.com/infgen/infgen/runtime/storage/redis"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/pulsar"
)

// Backends are the transport and storage a worker or client runs on.
type Backends struct {
	Transport transport.Transport
	Storage   storage.Storage
	// Description says what was opened, for a start-up log line.
	Description string
	// StatePath is the embedded default's state file ("" on Pulsar).
	StatePath string
}

// Close closes the transport, then the storage.
func (b *Backends) Close() error {
	return errors.Join(b.Transport.Close(), b.Storage.Close())
}

// OpenBackends opens what the environment selects: Pulsar when
// INFGEN_PULSAR_URL is set, with the shared storage named by
// INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN; otherwise the
// embedded default (in-process transport, single-file storage
// INFGEN_EMBEDDED_PATH, default infgen.db).
func OpenBackends(ctx context.Context, logger *slog.Logger) (*Backends, error) {
	if os.Getenv(pulsar.EnvURL) == "" {
		path := cmp.Or(os.Getenv(embedded.EnvPath), "infgen.db")
		rt, err := local.Open(path)
		if err != nil {
			return nil, err
		}
		return &Backends{Transport: rt.Transport, Storage: rt.Storage,
			Description: "embedded default: in-process transport, single-file storage " + path, StatePath: path}, nil
	}
	pc, err := pulsar.ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	pc.Logger = logger
	st, name, err := OpenSharedStorage(ctx)
	if err != nil {
		return nil, err
	}
	tr, err := pulsar.New(ctx, pc)
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("connect to Pulsar at %s: %w", pc.URL, err)
	}
	return &Backends{Transport: tr, Storage: st, Description: "Pulsar at " + pc.URL + " with " + name + " storage"}, nil
}

// OpenSharedStorage opens the network storage named by the environment and
// returns it with its name.
func OpenSharedStorage(ctx context.Context) (storage.Storage, string, error) {
	switch {
	case os.Getenv(postgres.EnvDSN) != "":
		c, err := postgres.ConfigFromEnv()
		if err != nil {
			return nil, "", err
		}
		st, err := c.Open(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("open PostgreSQL storage: %w", err)
		}
		return st, "PostgreSQL", nil
	case os.Getenv(redis.EnvAddr) != "":
		c, err := redis.ConfigFromEnv()
		if err != nil {
			return nil, "", err
		}
		st, err := c.Open(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("open Redis storage: %w", err)
		}
		return st, "Redis", nil
	case os.Getenv(mysql.EnvDSN) != "":
		c, err := mysql.ConfigFromEnv()
		if err != nil {
			return nil, "", err
		}
		st, err := c.Open(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("open MySQL storage: %w", err)
		}
		return st, "MySQL", nil
	}
	return nil, "", fmt.Errorf("%s is set but no shared storage is: set %s, %s or %s",
		pulsar.EnvURL, postgres.EnvDSN, redis.EnvAddr, mysql.EnvDSN)
}
