package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/storage/embedded"
	"github.com/infgen/infgen/runtime/transport/pulsar"
)

// opsFlags select the runtime the operations commands (workflow,
// dead-letters) act on: the one a worker with the same environment uses.
type opsFlags struct {
	db string
}

func (f *opsFlags) register(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.db, "db", "",
		"embedded state file (default $"+embedded.EnvPath+", else infgen.db); not used when $"+pulsar.EnvURL+" is set")
}

// opsRuntime is an open client with what it runs on.
type opsRuntime struct {
	client   *client.Client
	backends *config.Backends
	// offline is set on the embedded default: the workers run in another
	// process (or none), so what is written here is applied when a worker
	// next starts on the file.
	offline bool
}

func (r *opsRuntime) Close() error {
	return errors.Join(r.client.Close(), r.backends.Close())
}

// open connects like a worker: Pulsar and a shared storage when
// INFGEN_PULSAR_URL is set, else the embedded state file, which must exist.
func (f *opsFlags) open(ctx context.Context) (*opsRuntime, error) {
	var b *config.Backends
	offline := os.Getenv(pulsar.EnvURL) == ""
	if offline {
		path := cmp.Or(f.db, os.Getenv(embedded.EnvPath), "infgen.db")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no state file at %s: pass --db FILE (or set %s), or set %s and a storage DSN to reach workers on Pulsar",
				path, embedded.EnvPath, pulsar.EnvURL)
		}
		rt, err := local.Open(path) // fails within a second, saying so, while a worker holds the file
		if err != nil {
			return nil, err
		}
		b = &config.Backends{Transport: rt.Transport, Storage: rt.Storage, Description: "state file " + path}
	} else {
		var err error
		if b, err = config.OpenBackends(ctx, slog.New(slog.DiscardHandler)); err != nil {
			return nil, err
		}
	}
	c, err := client.New(ctx, client.Options{Transport: b.Transport, Storage: b.Storage, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		_ = b.Close()
		return nil, err
	}
	return &opsRuntime{client: c, backends: b, offline: offline}, nil
}

// withRuntime runs fn on an open runtime and closes it.
func (f *opsFlags) withRuntime(cmd *cobra.Command, fn func(ctx context.Context, r *opsRuntime) error) error {
	ctx := cmd.Context()
	r, err := f.open(ctx)
	if err != nil {
		return err
	}
	return errors.Join(fn(ctx, r), r.Close())
}
