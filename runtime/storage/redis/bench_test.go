package redis_test

import (
	"context"
	"testing"

	"github.com/infgen/infgen/runtime/storage/redis"
	"github.com/infgen/infgen/runtime/storage/storagetest"
)

// BenchmarkStorage measures the engine's write pattern (see
// storagetest.Benchmark) against the server in INFGEN_REDIS_ADDR.
func BenchmarkStorage(b *testing.B) {
	cfg, err := redis.ConfigFromEnv()
	if err != nil {
		b.Skip(err)
	}
	s, err := cfg.Open(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storagetest.Benchmark(b, s)
}
