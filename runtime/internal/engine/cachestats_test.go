package engine

import (
	"testing"

	"github.com/stretchr/testify/require"

	memstore "github.com/infgen/infgen/runtime/storage/memory"
	"github.com/infgen/infgen/runtime/transport/memory"
)

// TestCacheStats counts a miss, the eviction of the least recently used
// entry beyond the bound, and a hit.
func TestCacheStats(t *testing.T) {
	t.Parallel()
	e := New(Options{Transport: memory.New(), Storage: memstore.New(), CacheSize: 1})
	require.Nil(t, e.cache.take("a"))
	e.cache.put(&cached{id: "a"})
	e.cache.put(&cached{id: "b"})
	require.NotNil(t, e.cache.take("b"))
	require.Equal(t, CacheStats{Hits: 1, Misses: 1, Evictions: 1, Size: 0}, e.CacheStats())
}
