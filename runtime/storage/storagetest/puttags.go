package storagetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
)

// testPutWithTags checks that tag changes in PutParams apply with the write,
// and not at all when the write conflicts.
func testPutWithTags(t *testing.T, s storage.Storage, ns namespace) {
	id := ns.id("rec")
	active, done := ns.id("active"), ns.id("done")
	v, err := s.Put(ctx(t), &storage.PutParams{ID: id, Data: []byte("1"), AddTags: []string{active}})
	require.NoError(t, err)
	require.Equal(t, []string{id}, mustList(t, s, &storage.ListTagParams{Tag: active}), "tag added with the create")

	_, err = s.Put(ctx(t), &storage.PutParams{ID: id, Data: []byte("dup"), AddTags: []string{done}})
	require.ErrorIs(t, err, storage.ErrConflict, "create of an existing record")
	require.Empty(t, mustList(t, s, &storage.ListTagParams{Tag: done}), "a conflicting create changes no tag")

	_, err = s.Put(ctx(t), &storage.PutParams{ID: id, Data: []byte("x"), Version: v + 7, AddTags: []string{done}, RemoveTags: []string{active}})
	require.ErrorIs(t, err, storage.ErrConflict)
	require.Equal(t, []string{id}, mustList(t, s, &storage.ListTagParams{Tag: active}), "a conflicting write changes no tag")
	require.Empty(t, mustList(t, s, &storage.ListTagParams{Tag: done}), "a conflicting write changes no tag")

	_, err = s.Put(ctx(t), &storage.PutParams{ID: id, Data: []byte("2"), Version: v, AddTags: []string{done}, RemoveTags: []string{active}})
	require.NoError(t, err)
	require.Empty(t, mustList(t, s, &storage.ListTagParams{Tag: active}), "tag removed with the update")
	require.Equal(t, []string{id}, mustList(t, s, &storage.ListTagParams{Tag: done}), "tag added with the update")
}
