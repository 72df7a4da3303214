package storagetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infgen/infgen/runtime/storage"
)

// Benchmark measures the engine's write pattern on s: read-modify-write of
// 2–10 KB records with a version check, one writer at a time (latency, with
// p50/p99) and 100 writers on their own records (throughput). Records are
// named after a random namespace, so a shared server may be used.
func Benchmark(b *testing.B, s storage.Storage) {
	var buf [6]byte
	for i := range buf {
		buf[i] = byte(rand.IntN(256))
	}
	ns := fmt.Sprintf("bench-%x", buf)
	b.Run("rmw-1-writer", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			start := time.Now()
			if err := benchStep(s, fmt.Sprintf("%s/single/%d", ns, i%100), rng); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	})
	b.Run("rmw-100-writers", func(b *testing.B) {
		const writers = 100
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make([]error, writers)
		start := time.Now()
		for w := range writers {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(w), 3))
				for next.Add(1) <= int64(b.N) {
					if err := benchStep(s, fmt.Sprintf("%s/multi/%d", ns, w), rng); err != nil {
						errs[w] = err
						return
					}
				}
			})
		}
		wg.Wait()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "writes/s")
		if err := errors.Join(errs...); err != nil {
			b.Fatal(err)
		}
	})
}

// benchStep is one workflow step: read the state, change it, write it back.
func benchStep(s storage.Storage, id string, rng *rand.Rand) error {
	ctx := context.Background()
	for {
		var version int64
		var data []byte
		rec, err := s.Get(ctx, &storage.GetParams{ID: id})
		switch {
		case err == nil:
			version, data = rec.Version, rec.Data
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		size := 2048 + rng.IntN(8192)
		if cap(data) < size {
			data = append(data, make([]byte, size-len(data))...)
		}
		data = data[:size]
		data[rng.IntN(size)]++
		_, err = s.Put(ctx, &storage.PutParams{ID: id, Version: version, Data: data})
		if errors.Is(err, storage.ErrConflict) {
			continue
		}
		return err
	}
}
