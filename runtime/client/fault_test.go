package client_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// errInjected is the failure a faultStore or faultTransport injects.
var errInjected = errors.New("injected fault")

// faultStore wraps a storage: it fails the failAt-th write (Put, Delete,
// AddTag, RemoveTag; 0: none), and remembers every key and tag written so
// that a test can take a snapshot of everything stored.
type faultStore struct {
	storage.Storage

	mu     sync.Mutex
	failAt int
	writes int
	fired  bool
	keys   map[string]bool
	tags   map[string]bool
}

func newFaultStore(s storage.Storage) *faultStore {
	return &faultStore{Storage: s, keys: map[string]bool{}, tags: map[string]bool{}}
}

// arm makes the n-th write from now fail.
func (f *faultStore) arm(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failAt, f.writes, f.fired = n, 0, false
}

func (f *faultStore) write(key string, tags ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[key] = true
	for _, t := range tags {
		f.tags[t] = true
	}
	f.writes++
	if f.failAt > 0 && f.writes == f.failAt {
		f.fired = true
		return errInjected
	}
	return nil
}

func (f *faultStore) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	if err := f.write(p.ID, append(append([]string{}, p.AddTags...), p.RemoveTags...)...); err != nil {
		return 0, err
	}
	return f.Storage.Put(ctx, p)
}

func (f *faultStore) Delete(ctx context.Context, p *storage.DeleteParams) error {
	if err := f.write(p.ID); err != nil {
		return err
	}
	return f.Storage.Delete(ctx, p)
}

func (f *faultStore) AddTag(ctx context.Context, p *storage.TagParams) error {
	if err := f.write(p.ID, p.Tag); err != nil {
		return err
	}
	return f.Storage.AddTag(ctx, p)
}

func (f *faultStore) RemoveTag(ctx context.Context, p *storage.TagParams) error {
	if err := f.write(p.ID, p.Tag); err != nil {
		return err
	}
	return f.Storage.RemoveTag(ctx, p)
}

// snapshot returns every record (key → data) and tag set the store holds.
func (f *faultStore) snapshot(t *testing.T) map[string]string {
	t.Helper()
	f.mu.Lock()
	keys, tags := sortedKeys(f.keys), sortedKeys(f.tags)
	f.mu.Unlock()
	ctx := context.Background()
	snap := map[string]string{}
	for _, k := range keys {
		rec, err := f.Storage.Get(ctx, &storage.GetParams{ID: k})
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		require.NoError(t, err)
		snap["record "+k] = string(rec.Data)
	}
	for _, tag := range tags {
		ids, err := f.Storage.ListTag(ctx, &storage.ListTagParams{Tag: tag, Limit: 10000})
		require.NoError(t, err)
		if len(ids) > 0 {
			snap["tag "+tag] = fmt.Sprint(ids)
		}
	}
	return snap
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// faultTransport fails every publish while failing is set.
type faultTransport struct {
	transport.Transport

	mu      sync.Mutex
	failing bool
}

func (f *faultTransport) setFailing(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing = on
}

func (f *faultTransport) Publish(ctx context.Context, p *transport.PublishParams) error {
	f.mu.Lock()
	failing := f.failing
	f.mu.Unlock()
	if failing {
		return errInjected
	}
	return f.Transport.Publish(ctx, p)
}

var _ = client.ErrNotFound
