//go:build enginebench

package enginebench

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rmw reads a record, grows or rewrites it to a 2–10 KB state and writes it
// back with a version check, retrying on conflict: one workflow step.
func rmw(e engine, id string, rng *rand.Rand) error {
	for {
		v, d, err := e.get(id)
		if err != nil {
			return err
		}
		size := 2048 + rng.IntN(8192)
		if cap(d) < size {
			d = make([]byte, size)
		}
		d = d[:size]
		d[rng.IntN(size)]++
		err = e.put(id, v, d)
		if errors.Is(err, errConflict) {
			continue
		}
		return err
	}
}

func open(b *testing.B, o opener) engine {
	b.Helper()
	e, err := o.open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatalf("open %s: %v", o.name, err)
	}
	b.Cleanup(func() { _ = e.close() })
	return e
}

// BenchmarkSingleWriter: one writer, one workflow step after another (the
// latency of a lone workflow).
func BenchmarkSingleWriter(b *testing.B) {
	for _, o := range engines {
		b.Run(o.name, func(b *testing.B) {
			e := open(b, o)
			rng := rand.New(rand.NewPCG(1, 2))
			var lat []time.Duration
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				if err := rmw(e, fmt.Sprintf("wf-%d", i%1000), rng); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			reportLatency(b, lat)
		})
	}
}

// BenchmarkConcurrent100: 100 writers, each on its own workflow record (the
// engine serializes one workflow's messages), total b.N steps.
func BenchmarkConcurrent100(b *testing.B) {
	const writers = 100
	for _, o := range engines {
		b.Run(o.name, func(b *testing.B) {
			e := open(b, o)
			var next atomic.Int64
			var wg sync.WaitGroup
			var failed atomic.Value
			b.ResetTimer()
			start := time.Now()
			for w := range writers {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(w), 7))
					for next.Add(1) <= int64(b.N) {
						if err := rmw(e, fmt.Sprintf("wf-%d", w), rng); err != nil {
							failed.Store(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "writes/s")
			if err, _ := failed.Load().(error); err != nil {
				b.Fatal(err)
			}
		})
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
