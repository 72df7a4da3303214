package local

import (
	"context"
	"errors"
	"fmt"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
)

// Runtime is a transport and a storage for one process.
type Runtime struct {
	Transport *memory.Transport
	Storage   storage.Storage
}

// Open opens (or creates) the state file at path. An empty path keeps state
// in memory only.
func Open(path string) (*Runtime, error) {
	var st storage.Storage
	if path == "" {
		st = memstore.New()
	} else {
		s, err := embedded.Open(path)
		if err != nil {
			return nil, fmt.Errorf("local: open state file: %w", err)
		}
		st = s
	}
	return &Runtime{Transport: memory.New(), Storage: st}, nil
}

// NewWorker returns a worker on this runtime; Transport and Storage of o are
// filled in.
func (r *Runtime) NewWorker(o worker.Options) (*worker.Worker, error) {
	o.Transport, o.Storage = r.Transport, r.Storage
	return worker.New(o)
}

// NewClient returns a client on this runtime.
func (r *Runtime) NewClient(ctx context.Context, opts ...func(*client.Options)) (*client.Client, error) {
	o := client.Options{Transport: r.Transport, Storage: r.Storage}
	for _, f := range opts {
		f(&o)
	}
	return client.New(ctx, o)
}

// Close closes the transport, then the storage. Stop workers first.
func (r *Runtime) Close() error {
	return errors.Join(r.Transport.Close(), r.Storage.Close())
}
