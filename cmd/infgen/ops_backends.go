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

	"github.com/infgen/infgen/runtime/admin"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/config"
	"github.com/infgen/infgen/runtime/local"
	"github.com/infgen/infgen/runtime/storage/embedded"
	"github.com/infgen/infgen/runtime/transport/pulsar"
)

// opsFlags select the runtime the operations commands (workflow,
// dead-letters, workers) act on: a worker's admin API (--admin, or the one
// recorded beside the state file), else the one a worker with the same
// environment uses.
type opsFlags struct {
	db    string
	admin string
}

func (f *opsFlags) register(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.db, "db", "",
		"embedded state file (default $"+embedded.EnvPath+", else infgen.db); not used when $"+pulsar.EnvURL+" is set")
	cmd.PersistentFlags().StringVar(&f.admin, "admin", "",
		"a worker's admin API address (default $"+admin.EnvAddr+", else the one recorded beside the state file); its bearer token is $"+admin.EnvToken)
}

// opsRuntime is an open client with what it runs on.
type opsRuntime struct {
	client admin.API
	// backends is nil when client is a worker's admin API.
	backends *config.Backends
	// where says what the client reaches, for messages.
	where string
	// adminAddr is the worker's admin API address when client goes through it.
	adminAddr string
	// offline is set when the state file was opened here: no worker runs
	// on it, so what is written here is applied when one next starts.
	offline bool
}

func (r *opsRuntime) Close() error {
	err := r.client.Close()
	if r.backends != nil {
		err = errors.Join(err, r.backends.Close())
	}
	return err
}

// open connects to a worker's admin API when one is named or recorded
// beside the state file, else like a worker: Pulsar and a shared storage
// when INFGEN_PULSAR_URL is set, else the embedded state file, which must
// exist.
func (f *opsFlags) open(ctx context.Context) (*opsRuntime, error) {
	token := os.Getenv(admin.EnvToken)
	if addr := cmp.Or(f.admin, os.Getenv(admin.EnvAddr)); addr != "" {
		c := admin.Dial(addr, token)
		if err := c.Ping(ctx); err != nil {
			return nil, withHint(err, "is the worker running? --admin or $%s names its admin API (host:port), $%s its token", admin.EnvAddr, admin.EnvToken)
		}
		return &opsRuntime{client: c, where: "worker at " + addr, adminAddr: addr}, nil
	}
	if os.Getenv(pulsar.EnvURL) != "" {
		b, err := config.OpenBackends(ctx, slog.New(slog.DiscardHandler))
		if err != nil {
			return nil, err
		}
		return f.withClient(ctx, b, false)
	}
	path := cmp.Or(f.db, os.Getenv(embedded.EnvPath), "infgen.db")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no state file at %s: pass --db FILE (or set %s), or set %s and a storage DSN to reach workers on Pulsar",
			path, embedded.EnvPath, pulsar.EnvURL)
	}
	addr, pid, err := admin.ReadAddrFile(path)
	if err != nil {
		return nil, err
	}
	if addr != "" {
		c := admin.Dial(addr, token)
		if err := c.Ping(ctx); err == nil {
			return &opsRuntime{client: c, where: fmt.Sprintf("worker pid %d at %s", pid, addr), adminAddr: addr}, nil
		}
		// A worker that died without removing its record: the file is free.
	}
	rt, err := local.Open(path) // fails within a second, saying so, while another process holds the file
	if errors.Is(err, embedded.ErrDamaged) {
		return nil, err // the error says what to do
	}
	if err != nil {
		return nil, withHint(err, "a worker holding the file serves the CLI through its admin API: config.Run starts one; in your own main call local.Runtime.ServeAdmin")
	}
	b := &config.Backends{Transport: rt.Transport, Storage: rt.Storage, Description: "state file " + path, StatePath: path}
	return f.withClient(ctx, b, true)
}

// withClient opens a client on b.
func (f *opsFlags) withClient(ctx context.Context, b *config.Backends, offline bool) (*opsRuntime, error) {
	c, err := client.New(ctx, client.Options{Transport: b.Transport, Storage: b.Storage, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		_ = b.Close()
		return nil, err
	}
	return &opsRuntime{client: c, backends: b, where: b.Description, offline: offline}, nil
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
