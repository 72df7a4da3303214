package grpc_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/generator/grpc"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// BenchmarkGRPCGenerateSpecs measures parsing plus generation of every
// service file under ../../shared/specs/proto and reports the output size
// (out-bytes, out-files). Results are recorded in docs/benchmarks.md.
func BenchmarkGRPCGenerateSpecs(b *testing.B) {
	specs := filepath.Join("..", "..", "..", "shared", "specs", "proto")
	var files []string
	_ = filepath.WalkDir(specs, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".proto") {
			if src, rerr := os.ReadFile(path); rerr == nil && serviceDecl.Match(src) {
				files = append(files, path)
			}
		}
		return err
	})
	if len(files) == 0 {
		b.Skipf("no proto specs under %s", specs)
	}
	googleapis := filepath.Join(specs, "googleapis")
	for _, file := range files {
		rel, _ := filepath.Rel(specs, file)
		b.Run(filepath.ToSlash(rel), func(b *testing.B) {
			var size, count int
			for b.Loop() {
				spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{googleapis}, Files: []string{file}})
				if err != nil {
					b.Fatalf("load %s: %v", file, err)
				}
				out, err := grpc.Generate(spec, gen.Options{})
				if err != nil {
					b.Fatal(err)
				}
				size, count = 0, len(out)
				for _, f := range out {
					size += len(f.Content)
				}
			}
			b.ReportMetric(float64(size), "out-bytes")
			b.ReportMetric(float64(count), "out-files")
		})
	}
}
