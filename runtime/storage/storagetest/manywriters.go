package storagetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
)

// testManyWriters writes from many goroutines at once, as a busy worker
// does (backends may then commit writes together): each creates its own
// record with a tag, updates it a few times, moves it to another tag in
// its last write, and all of them increment one shared counter, which
// conflicts. Every write must keep its own outcome and tag changes.
func testManyWriters(t *testing.T, s storage.Storage, ns namespace) {
	const writers, updates = 64, 5
	before, after, counter := ns.id("before"), ns.id("after"), ns.id("counter")
	mustPut(t, s, counter, 0, []byte("0"))
	var (
		wg   sync.WaitGroup
		errs = make(chan error, writers)
	)
	for i := range writers {
		wg.Go(func() {
			id := ns.id(fmt.Sprintf("w%03d", i))
			v, err := s.Put(ctx(t), &storage.PutParams{ID: id, Data: []byte("0"), AddTags: []string{before}})
			if err != nil {
				errs <- fmt.Errorf("create %s: %w", id, err)
				return
			}
			if _, err := s.Put(ctx(t), &storage.PutParams{ID: id, Version: 0, Data: []byte("again")}); !errors.Is(err, storage.ErrConflict) {
				errs <- fmt.Errorf("create %s twice: got %v, want a conflict", id, err)
				return
			}
			for u := 1; u <= updates; u++ {
				p := &storage.PutParams{ID: id, Version: v, Data: fmt.Appendf(nil, "%d", u)}
				if u == updates {
					p.AddTags, p.RemoveTags = []string{after}, []string{before}
				}
				if v, err = s.Put(ctx(t), p); err != nil {
					errs <- fmt.Errorf("update %s: %w", id, err)
					return
				}
			}
			if _, err := increment(t, s, counter); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, fmt.Sprint(writers), string(mustGet(t, s, counter).Data), "lost increments")
	for i := range writers {
		rec := mustGet(t, s, ns.id(fmt.Sprintf("w%03d", i)))
		require.Equal(t, int64(1+updates), rec.Version)
		require.Equal(t, fmt.Sprint(updates), string(rec.Data))
	}
	require.Empty(t, mustList(t, s, &storage.ListTagParams{Tag: before}))
	require.Len(t, mustList(t, s, &storage.ListTagParams{Tag: after}), writers)
}
