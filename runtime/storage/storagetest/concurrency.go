package storagetest

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
)

// testConcurrentCounter runs read-modify-write loops on one record from many
// goroutines, retrying on ErrConflict: no increment may be lost and every
// successful write must get a version of its own.
func testConcurrentCounter(t *testing.T, s storage.Storage, ns namespace) {
	const writers, increments = 8, 25
	id := ns.id("counter")
	mustPut(t, s, id, 0, []byte("0"))

	var (
		mu       sync.Mutex
		versions = map[int64]bool{}
		wg       sync.WaitGroup
		errs     = make(chan error, writers)
	)
	for range writers {
		wg.Go(func() {
			for range increments {
				v, err := increment(t, s, id)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				dup := versions[v]
				versions[v] = true
				mu.Unlock()
				if dup {
					errs <- fmt.Errorf("version %d returned to two successful writes", v)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	rec := mustGet(t, s, id)
	require.Equal(t, strconv.Itoa(writers*increments), string(rec.Data), "lost updates")
	require.Len(t, versions, writers*increments)
	require.True(t, versions[rec.Version], "stored version %d was not returned by any write", rec.Version)
}

// increment adds one to the decimal counter stored at id, retrying on
// conflicts, and returns the version it wrote.
func increment(t *testing.T, s storage.Storage, id string) (int64, error) {
	for attempt := 0; attempt < 10_000; attempt++ {
		rec, err := s.Get(ctx(t), &storage.GetParams{ID: id})
		if err != nil {
			return 0, fmt.Errorf("get %q: %w", id, err)
		}
		n, err := strconv.Atoi(string(rec.Data))
		if err != nil {
			return 0, fmt.Errorf("counter %q holds %q: %w", id, rec.Data, err)
		}
		v, err := s.Put(ctx(t), &storage.PutParams{ID: id, Version: rec.Version, Data: []byte(strconv.Itoa(n + 1))})
		if errors.Is(err, storage.ErrConflict) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("put %q: %w", id, err)
		}
		return v, nil
	}
	return 0, fmt.Errorf("increment %q: still conflicting after 10000 attempts", id)
}

// race starts n calls of fn at once and returns their errors by index.
func race(n int, fn func(i int) error) []error {
	var (
		start = make(chan struct{})
		wg    sync.WaitGroup
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// winner checks that exactly one error is nil and the others match one of
// the allowed sentinels, and returns the index of the winner.
func winner(t *testing.T, errs []error, allowed ...error) int {
	t.Helper()
	won := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, won, "two writers won: %d and %d", won, i)
			won = i
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || errors.Is(err, a)
		}
		require.True(t, ok, "writer %d: unexpected error %v", i, err)
	}
	require.NotEqual(t, -1, won, "no writer won: %v", errs)
	return won
}

func testTwoWriters(t *testing.T, s storage.Storage, ns namespace) {
	id := ns.id("rec")
	v := mustPut(t, s, id, 0, []byte("start"))
	for round := range 20 {
		data := [][]byte{[]byte(fmt.Sprintf("a%d", round)), []byte(fmt.Sprintf("b%d", round))}
		versions := make([]int64, 2)
		errs := race(2, func(i int) error {
			var err error
			versions[i], err = s.Put(ctx(t), &storage.PutParams{ID: id, Version: v, Data: data[i]})
			return err
		})
		w := winner(t, errs, storage.ErrConflict)
		rec := mustGet(t, s, id)
		require.Equal(t, versions[w], rec.Version)
		require.Equal(t, data[w], rec.Data, "the loser's data must not be written")
		v = rec.Version
	}
}

func testConcurrentCreate(t *testing.T, s storage.Storage, ns namespace) {
	const writers = 8
	for round := range 5 {
		id := ns.id(fmt.Sprintf("rec-%d", round))
		versions := make([]int64, writers)
		errs := race(writers, func(i int) error {
			var err error
			versions[i], err = s.Put(ctx(t), &storage.PutParams{ID: id, Data: []byte(strconv.Itoa(i))})
			return err
		})
		w := winner(t, errs, storage.ErrConflict)
		rec := mustGet(t, s, id)
		require.Equal(t, versions[w], rec.Version)
		require.Equal(t, strconv.Itoa(w), string(rec.Data))
	}
}

func testConcurrentDelete(t *testing.T, s storage.Storage, ns namespace) {
	const deleters = 4
	id := ns.id("rec")
	v := mustPut(t, s, id, 0, []byte("doomed"))
	errs := race(deleters, func(int) error {
		return s.Delete(ctx(t), &storage.DeleteParams{ID: id, Version: v})
	})
	winner(t, errs, storage.ErrConflict, storage.ErrNotFound)
	_, err := s.Get(ctx(t), &storage.GetParams{ID: id})
	require.ErrorIs(t, err, storage.ErrNotFound)
}
