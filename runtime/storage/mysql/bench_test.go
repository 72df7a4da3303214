package mysql_test

import (
	"context"
	"testing"

	"github.com/infgen/infgen/runtime/storage/mysql"
	"github.com/infgen/infgen/runtime/storage/storagetest"
)

// BenchmarkStorage measures the engine's write pattern (see
// storagetest.Benchmark) against the server in INFGEN_MYSQL_DSN.
func BenchmarkStorage(b *testing.B) {
	cfg, err := mysql.ConfigFromEnv()
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
