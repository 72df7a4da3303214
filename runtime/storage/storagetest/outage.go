package storagetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
)

// OutageParams configure Outage.
type OutageParams struct {
	// Restart stops and starts the server behind the storage. It is called
	// once, while the writers run.
	Restart func(t *testing.T)
	// Writers is the number of concurrent writers (default 4).
	Writers int
	// Ops is the number of increments each writer makes (default 40).
	Ops int
	// Deadline bounds how long one increment may keep failing (default 90s).
	Deadline time.Duration
}

// Outage checks that no update is lost when the server behind s restarts
// while writers run. Each writer appends unique tokens to shared records with
// read-modify-write loops that retry every error, as the engine does; after
// an error whose outcome is unknown (the write may have committed before the
// connection dropped), a writer re-reads and skips the token if it is there.
// At the end every token must be present exactly once.
//
// It returns the errors the writers saw other than storage.ErrConflict, so
// the caller can check that a lost connection reads clearly.
func Outage(t *testing.T, s storage.Storage, p OutageParams) []error {
	t.Helper()
	if p.Writers == 0 {
		p.Writers = 4
	}
	if p.Ops == 0 {
		p.Ops = 40
	}
	if p.Deadline == 0 {
		p.Deadline = 90 * time.Second
	}
	ns := newNamespace(t).sub("outage")
	ids := []string{ns.id("a"), ns.id("b")}
	for _, id := range ids {
		mustPut(t, s, id, 0, nil)
	}

	var (
		done     atomic.Int64
		mu       sync.Mutex
		seen     []error
		wg       sync.WaitGroup
		failures = make([]error, p.Writers)
	)
	record := func(err error) {
		mu.Lock()
		seen = append(seen, err)
		mu.Unlock()
	}
	for w := range p.Writers {
		wg.Go(func() {
			for op := range p.Ops {
				id := ids[(w+op)%len(ids)]
				token := fmt.Sprintf("w%d.%d;", w, op)
				if err := appendToken(t, s, id, token, p.Deadline, record); err != nil {
					failures[w] = err
					return
				}
				done.Add(1)
				time.Sleep(5 * time.Millisecond) // spread the writes over the restart
			}
		})
	}

	// Restart once a quarter of the work is done, while writers keep going.
	total := int64(p.Writers * p.Ops)
	for done.Load() < total/4 && !finished(failures) {
		time.Sleep(5 * time.Millisecond)
	}
	before := done.Load()
	p.Restart(t)
	t.Logf("restarted the server after %d of %d writes", before, total)
	wg.Wait()
	for w, err := range failures {
		require.NoError(t, err, "writer %d", w)
	}

	counts := map[string]int{}
	for _, id := range ids {
		for _, tok := range strings.Split(string(mustGet(t, s, id).Data), ";") {
			if tok != "" {
				counts[tok]++
			}
		}
	}
	for w := range p.Writers {
		for op := range p.Ops {
			tok := fmt.Sprintf("w%d.%d", w, op)
			require.Equal(t, 1, counts[tok], "token %s must be stored exactly once", tok)
		}
	}
	require.Len(t, counts, p.Writers*p.Ops)
	t.Logf("%d errors during the outage", len(seen))
	if len(seen) > 0 {
		t.Logf("first error: %v", seen[0])
	}
	return seen
}

func finished(failures []error) bool {
	for _, err := range failures {
		if err != nil {
			return true
		}
	}
	return false
}

// appendToken appends token to the record unless it is already there,
// retrying every error until deadline.
func appendToken(t *testing.T, s storage.Storage, id, token string, deadline time.Duration, record func(error)) error {
	start := time.Now()
	var last error
	for time.Since(start) < deadline {
		rec, err := s.Get(ctx(t), &storage.GetParams{ID: id})
		if err == nil {
			if strings.Contains(string(rec.Data), token) {
				return nil // an earlier attempt committed before its answer was lost
			}
			data := append(append([]byte{}, rec.Data...), token...)
			_, err = s.Put(ctx(t), &storage.PutParams{ID: id, Version: rec.Version, Data: data})
			if err == nil {
				return nil
			}
		}
		if errors.Is(err, storage.ErrConflict) {
			continue
		}
		if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrClosed) {
			return fmt.Errorf("append %q to %q: %w", token, id, err)
		}
		record(err)
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("append %q to %q: still failing after %s: %w", token, id, deadline, last)
}
