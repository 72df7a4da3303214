package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/compress"
)

// Factory returns a Storage for one subtest. See the package documentation.
type Factory func(t *testing.T) storage.Storage

// testTimeout bounds every subtest, so a hung backend fails instead of
// blocking the whole test binary.
const testTimeout = 2 * time.Minute

// RunCompressed runs the conformance suite against the factory's storages
// wrapped by the zstd compression layer (package compress), as a backend
// configured with compression: zstd serves its records.
func RunCompressed(t *testing.T, factory Factory) {
	t.Helper()
	Run(t, func(t *testing.T) storage.Storage {
		c, err := compress.Wrap(factory(t), compress.Zstd)
		require.NoError(t, err)
		return c
	})
}

// Run runs the conformance suite against the storages the factory returns.
func Run(t *testing.T, factory Factory) {
	t.Helper()
	ns := newNamespace(t)
	cases := []struct {
		name string
		fn   func(t *testing.T, s storage.Storage, ns namespace)
	}{
		{"GetMissing", testGetMissing},
		{"CreateTwiceConflicts", testCreateTwice},
		{"UpdateWithVersion", testUpdate},
		{"PutMissingWithVersionConflicts", testPutMissingWithVersion},
		{"Delete", testDelete},
		{"EmptyData", testEmptyData},
		{"BinaryData", testBinaryData},
		{"LargeRecords", testLargeRecords},
		{"NoAliasing", testNoAliasing},
		{"LongIDs", testLongIDs},
		{"ManyRecords", testManyRecords},
		{"ConcurrentCounter", testConcurrentCounter},
		{"TwoWritersOneWins", testTwoWriters},
		{"ConcurrentCreateOneWins", testConcurrentCreate},
		{"ConcurrentDeleteOneWins", testConcurrentDelete},
		{"ManyWriters", testManyWriters},
		{"Tags", testTags},
		{"TagsIsolated", testTagsIsolated},
		{"TagByteOrder", testTagByteOrder},
		{"TagPaging", testTagPaging},
		{"PutWithTags", testPutWithTags},
		{"CanceledContext", testCanceledContext},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := factory(t)
			require.NotNil(t, s, "factory returned a nil Storage")
			c.fn(t, s, ns.sub(c.name))
		})
	}
	t.Run("UseAfterClose", func(t *testing.T) {
		t.Parallel()
		testUseAfterClose(t, factory(t), ns.sub("UseAfterClose"))
	})
}

// namespace makes record ids and tags unique to one Run and one subtest, so
// runs against a shared server never see each other's data.
type namespace string

func newNamespace(t *testing.T) namespace {
	t.Helper()
	var b [6]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return namespace("st-" + hex.EncodeToString(b[:]))
}

func (ns namespace) sub(name string) namespace {
	return namespace(fmt.Sprintf("%s/%s", ns, strings.ToLower(name)))
}

// id returns a record id (or tag) unique to this namespace.
func (ns namespace) id(name string) string { return string(ns) + "/" + name }

// ctx returns a context bounded by testTimeout and canceled when t ends.
func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return c
}

// mustPut writes a record and returns its new version.
func mustPut(t *testing.T, s storage.Storage, id string, version int64, data []byte) int64 {
	t.Helper()
	v, err := s.Put(ctx(t), &storage.PutParams{ID: id, Version: version, Data: data})
	require.NoError(t, err, "put %q at version %d", id, version)
	require.Greater(t, v, version, "put %q: new version must be greater than the expected one", id)
	return v
}

// mustGet reads a record that must exist.
func mustGet(t *testing.T, s storage.Storage, id string) *storage.Record {
	t.Helper()
	rec, err := s.Get(ctx(t), &storage.GetParams{ID: id})
	require.NoError(t, err, "get %q", id)
	require.NotNil(t, rec)
	require.Equal(t, id, rec.ID)
	return rec
}

// randomBytes returns n random bytes.
func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}
