package storagetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
)

func testGetMissing(t *testing.T, s storage.Storage, ns namespace) {
	rec, err := s.Get(ctx(t), &storage.GetParams{ID: ns.id("missing")})
	require.ErrorIs(t, err, storage.ErrNotFound)
	require.Nil(t, rec)
}

func testCreateTwice(t *testing.T, s storage.Storage, ns namespace) {
	id := ns.id("rec")
	v := mustPut(t, s, id, 0, []byte("first"))

	_, err := s.Put(ctx(t), &storage.PutParams{ID: id, Version: 0, Data: []byte("second")})
	require.ErrorIs(t, err, storage.ErrConflict)

	rec := mustGet(t, s, id)
	require.Equal(t, v, rec.Version)
	require.Equal(t, []byte("first"), rec.Data)
}

func testUpdate(t *testing.T, s storage.Storage, ns namespace) {
	id := ns.id("rec")
	v1 := mustPut(t, s, id, 0, []byte("one"))
	v2 := mustPut(t, s, id, v1, []byte("two"))
	require.NotEqual(t, v1, v2)

	rec := mustGet(t, s, id)
	require.Equal(t, v2, rec.Version)
	require.Equal(t, []byte("two"), rec.Data)

	// A writer that read v1 lost the race: it must not overwrite "two".
	_, err := s.Put(ctx(t), &storage.PutParams{ID: id, Version: v1, Data: []byte("stale")})
	require.ErrorIs(t, err, storage.ErrConflict)
	_, err = s.Put(ctx(t), &storage.PutParams{ID: id, Version: v2 + 1000, Data: []byte("future")})
	require.ErrorIs(t, err, storage.ErrConflict)

	rec = mustGet(t, s, id)
	require.Equal(t, v2, rec.Version)
	require.Equal(t, []byte("two"), rec.Data)

	v3 := mustPut(t, s, id, v2, []byte("three"))
	rec = mustGet(t, s, id)
	require.Equal(t, v3, rec.Version)
	require.Equal(t, []byte("three"), rec.Data)
}

func testPutMissingWithVersion(t *testing.T, s storage.Storage, ns namespace) {
	id := ns.id("rec")
	_, err := s.Put(ctx(t), &storage.PutParams{ID: id, Version: 3, Data: []byte("x")})
	require.ErrorIs(t, err, storage.ErrConflict)
	_, err = s.Get(ctx(t), &storage.GetParams{ID: id})
	require.ErrorIs(t, err, storage.ErrNotFound, "a failed put must not create the record")
}

func testDelete(t *testing.T, s storage.Storage, ns namespace) {
	id := ns.id("rec")
	err := s.Delete(ctx(t), &storage.DeleteParams{ID: id, Version: 1})
	require.ErrorIs(t, err, storage.ErrNotFound)

	v1 := mustPut(t, s, id, 0, []byte("one"))
	v2 := mustPut(t, s, id, v1, []byte("two"))

	err = s.Delete(ctx(t), &storage.DeleteParams{ID: id, Version: v1})
	require.ErrorIs(t, err, storage.ErrConflict)
	rec := mustGet(t, s, id)
	require.Equal(t, v2, rec.Version)
	require.Equal(t, []byte("two"), rec.Data)

	require.NoError(t, s.Delete(ctx(t), &storage.DeleteParams{ID: id, Version: v2}))
	_, err = s.Get(ctx(t), &storage.GetParams{ID: id})
	require.ErrorIs(t, err, storage.ErrNotFound)
	err = s.Delete(ctx(t), &storage.DeleteParams{ID: id, Version: v2})
	require.ErrorIs(t, err, storage.ErrNotFound)

	// The id can be created again after a delete.
	v := mustPut(t, s, id, 0, []byte("again"))
	rec = mustGet(t, s, id)
	require.Equal(t, v, rec.Version)
	require.Equal(t, []byte("again"), rec.Data)
}

func testEmptyData(t *testing.T, s storage.Storage, ns namespace) {
	for i, data := range [][]byte{nil, {}} {
		id := ns.id(fmt.Sprintf("empty-%d", i))
		v := mustPut(t, s, id, 0, data)
		rec := mustGet(t, s, id)
		require.Equal(t, v, rec.Version)
		require.Empty(t, rec.Data)
	}
}

func testBinaryData(t *testing.T, s storage.Storage, ns namespace) {
	data := make([]byte, 0, 3*256+8)
	data = append(data, 0, 0, 0, 0)
	for i := range 256 {
		data = append(data, byte(i), 0, byte(255-i))
	}
	data = append(data, 0, 0, 0, 0)
	id := ns.id("binary")
	mustPut(t, s, id, 0, data)
	require.Equal(t, data, mustGet(t, s, id).Data)

	// Ids may hold any printable UTF-8, including separators other stores use.
	odd := ns.id("a:b/c d|é{x}*?[0]\\%_'\"")
	mustPut(t, s, odd, 0, []byte("odd"))
	require.Equal(t, []byte("odd"), mustGet(t, s, odd).Data)
}

func testLargeRecords(t *testing.T, s storage.Storage, ns namespace) {
	for _, size := range []int{1 << 20, 4 << 20} {
		id := ns.id(fmt.Sprintf("large-%d", size))
		data := randomBytes(t, size)
		v := mustPut(t, s, id, 0, data)
		rec := mustGet(t, s, id)
		require.Equal(t, v, rec.Version)
		require.True(t, bytes.Equal(data, rec.Data), "record of %d bytes did not round-trip", size)

		// Compressible data of the same size, as an update.
		data = bytes.Repeat([]byte("workflow history entry;"), size/23+1)[:size]
		v = mustPut(t, s, id, v, data)
		rec = mustGet(t, s, id)
		require.Equal(t, v, rec.Version)
		require.True(t, bytes.Equal(data, rec.Data), "update of %d bytes did not round-trip", size)
	}
}

// testLongIDs uses ids and tags of 500 bytes, which every backend must hold
// (the MySQL columns take 768).
func testLongIDs(t *testing.T, s storage.Storage, ns namespace) {
	id := ns.id(strings.Repeat("i", 500-len(ns.id(""))))
	tag := ns.id(strings.Repeat("t", 500-len(ns.id(""))))
	require.Len(t, id, 500)
	v := mustPut(t, s, id, 0, []byte("long"))
	rec := mustGet(t, s, id)
	require.Equal(t, v, rec.Version)
	mustAdd(t, s, tag, id)
	require.Equal(t, []string{id}, mustList(t, s, &storage.ListTagParams{Tag: tag}))
	require.NoError(t, s.Delete(ctx(t), &storage.DeleteParams{ID: id, Version: v}))
}

func testNoAliasing(t *testing.T, s storage.Storage, ns namespace) {
	id := ns.id("rec")
	data := []byte("original")
	v := mustPut(t, s, id, 0, data)
	copy(data, "CHANGED!")

	rec := mustGet(t, s, id)
	require.Equal(t, []byte("original"), rec.Data, "Put must not keep the caller's buffer")
	copy(rec.Data, "MUTATED!")
	rec = mustGet(t, s, id)
	require.Equal(t, []byte("original"), rec.Data, "Get must return a copy")
	require.Equal(t, v, rec.Version)
}

func testManyRecords(t *testing.T, s storage.Storage, ns namespace) {
	const n = 200
	versions := make([]int64, n)
	for i := range n {
		versions[i] = mustPut(t, s, ns.id(fmt.Sprintf("r%03d", i)), 0, []byte(fmt.Sprintf("value %d", i)))
	}
	for i := range n {
		rec := mustGet(t, s, ns.id(fmt.Sprintf("r%03d", i)))
		require.Equal(t, versions[i], rec.Version)
		require.Equal(t, []byte(fmt.Sprintf("value %d", i)), rec.Data)
	}
}

func testCanceledContext(t *testing.T, s storage.Storage, ns namespace) {
	id := ns.id("rec")
	v := mustPut(t, s, id, 0, []byte("kept"))

	c, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Get(c, &storage.GetParams{ID: id})
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Put(c, &storage.PutParams{ID: id, Version: v, Data: []byte("lost")})
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.ListTag(c, &storage.ListTagParams{Tag: ns.id("tag")})
	require.ErrorIs(t, err, context.Canceled)

	rec := mustGet(t, s, id)
	require.Equal(t, v, rec.Version)
	require.Equal(t, []byte("kept"), rec.Data)
}

func testUseAfterClose(t *testing.T, s storage.Storage, ns namespace) {
	id := ns.id("rec")
	mustPut(t, s, id, 0, []byte("x"))
	require.NoError(t, s.Close())

	_, err := s.Get(ctx(t), &storage.GetParams{ID: id})
	requireClosed(t, err)
	_, err = s.Put(ctx(t), &storage.PutParams{ID: id, Version: 1, Data: []byte("y")})
	requireClosed(t, err)
	requireClosed(t, s.Delete(ctx(t), &storage.DeleteParams{ID: id, Version: 1}))
	requireClosed(t, s.AddTag(ctx(t), &storage.TagParams{Tag: ns.id("t"), ID: id}))
	requireClosed(t, s.RemoveTag(ctx(t), &storage.TagParams{Tag: ns.id("t"), ID: id}))
	_, err = s.ListTag(ctx(t), &storage.ListTagParams{Tag: ns.id("t")})
	requireClosed(t, err)

	err = s.Close()
	require.True(t, err == nil || errors.Is(err, storage.ErrClosed), "second Close: %v", err)
}

func requireClosed(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, storage.ErrClosed)
}
