package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
)

// countingStore counts ListTag and Get calls.
type countingStore struct {
	storage.Storage
	lists, gets int
}

func (s *countingStore) ListTag(ctx context.Context, p *storage.ListTagParams) ([]string, error) {
	s.lists++
	return s.Storage.ListTag(ctx, p)
}

func (s *countingStore) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	s.gets++
	return s.Storage.Get(ctx, p)
}

// TestListFilterScanIsBounded: a filtered page reads at most MaxFilterScan
// states; when they run out before the page is full it still names the
// next page, which goes on after the last state read. An index page (the
// name's) reads one storage page and no state.
func TestListFilterScanIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &countingStore{Storage: memstore.New()}
	e := New(Options{Transport: memory.New(), Storage: store})
	n := MaxFilterScan + 5
	for i := range n {
		name := "common"
		if i == n-1 {
			name = "rare"
		}
		_, err := e.Start(ctx, &StartCommand{Workflow: name, ID: fmt.Sprintf("w-%05d", i), AllowUnregistered: true})
		require.NoError(t, err)
	}

	store.lists, store.gets = 0, 0
	ids, next, err := e.ListPage(ctx, ListQuery{Tag: TagActive, Limit: 10, Filter: ListFilter{Name: "rare"}})
	require.NoError(t, err)
	require.Empty(t, ids)
	require.Equal(t, fmt.Sprintf("w-%05d", MaxFilterScan-1), next, "the next page starts after the last state read")
	require.Equal(t, MaxFilterScan, store.gets)
	ids, next, err = e.ListPage(ctx, ListQuery{Tag: TagActive, After: next, Limit: 10, Filter: ListFilter{Name: "rare"}})
	require.NoError(t, err)
	require.Equal(t, []string{fmt.Sprintf("w-%05d", n-1)}, ids)
	require.Empty(t, next)

	store.lists, store.gets = 0, 0
	ids, next, err = e.ListPage(ctx, ListQuery{Tag: NameTag("rare"), Limit: 10})
	require.NoError(t, err)
	require.Equal(t, []string{fmt.Sprintf("w-%05d", n-1)}, ids)
	require.Empty(t, next)
	require.Equal(t, 1, store.lists, "one storage read")
	require.Zero(t, store.gets, "no state read")

	_, _, err = e.ListPage(ctx, ListQuery{Tag: TagActive, Limit: 10, Filter: ListFilter{Status: "sleeping"}})
	require.EqualError(t, err, `list page: status "sleeping": want running, parked, completed, failed or canceled`)
}
