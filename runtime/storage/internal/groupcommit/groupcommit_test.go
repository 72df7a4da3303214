package groupcommit

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBatchesConcurrentWrites(t *testing.T) {
	t.Parallel()
	var (
		batches atomic.Int64
		largest atomic.Int64
		busy    atomic.Bool
	)
	q := New(16, func(batch []int) []error {
		require.True(t, busy.CompareAndSwap(false, true), "one commit at a time")
		defer busy.Store(false)
		batches.Add(1)
		if int64(len(batch)) > largest.Load() {
			largest.Store(int64(len(batch)))
		}
		time.Sleep(time.Millisecond)
		errs := make([]error, len(batch))
		for i, v := range batch {
			if v%7 == 0 {
				errs[i] = errors.New("seven")
			}
		}
		return errs
	})
	var wg sync.WaitGroup
	for i := 1; i <= 200; i++ {
		wg.Go(func() {
			err := q.Do(i)
			if i%7 == 0 {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.Less(t, batches.Load(), int64(200), "writes were batched")
	require.LessOrEqual(t, largest.Load(), int64(16))
	require.NoError(t, q.Do(1), "a lone writer commits on its own")
}
