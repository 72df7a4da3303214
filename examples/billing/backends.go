package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/infgen/infgen/runtime/admin"
	runtimeconfig "github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/pulsar"
)

// backends are the transport and storage the example runs on.
type backends struct {
	tr transport.Transport
	st storage.Storage
	// tmp is the temporary directory of the state file when -db is not
	// given, removed on close.
	tmp string
	// rt is the embedded runtime; admin the address of its admin API,
	// through which the ops CLI reaches the example while it runs.
	rt    *local.Runtime
	admin string
}

// openBackends opens the embedded default (in-process transport, the -db
// file or a temporary one), or with -transport pulsar the broker of INFGEN_PULSAR_URL
// and the storage INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or INFGEN_MYSQL_DSN
// names, shared by every process of the run.
func openBackends(ctx context.Context, cfg config, logger *slog.Logger) (*backends, error) {
	if cfg.transport == "embedded" {
		path, tmp := cfg.db, ""
		if path == "" {
			// The embedded default keeps state in a file; without -db it is a
			// temporary one, so that the demo runs on the real storage.
			dir, err := os.MkdirTemp("", "billing-")
			if err != nil {
				return nil, fmt.Errorf("create a temporary state directory: %w", err)
			}
			path, tmp = filepath.Join(dir, "state.db"), dir
		}
		rt, err := local.Open(path)
		if err != nil {
			return nil, err
		}
		addr, err := rt.ServeAdmin(ctx, admin.Options{Addr: cfg.dashboard, Logger: logger})
		if err != nil {
			_ = rt.Close()
			return nil, err
		}
		if cfg.dashboard != "" {
			fmt.Fprintf(os.Stderr, "dashboard: http://%s/ui/  metrics: http://%s/metrics\n", addr, addr)
		}
		return &backends{tr: rt.Transport, st: rt.Storage, tmp: tmp, rt: rt, admin: addr}, nil
	}
	pc, err := pulsar.ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	pc.Logger = logger
	st, _, err := runtimeconfig.OpenSharedStorage(ctx)
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

func (b *backends) close() error {
	var err error
	if b.rt != nil {
		err = b.rt.Close()
	} else {
		err = errors.Join(b.tr.Close(), b.st.Close())
	}
	if b.tmp != "" {
		err = errors.Join(err, os.RemoveAll(b.tmp))
	}
	return err
}
