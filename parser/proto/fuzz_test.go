package proto_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infgen/infgen/ir"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// FuzzLoad feeds arbitrary .proto sources to the parser: it must never
// panic, and a compile error must carry a position.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		greeter,
		"syntax = \"proto3\";\nservice S { rpc A(M) returns (stream M); }\nmessage M { oneof o { string a = 1; int32 b = 2; } map<string, M> m = 3; }\n",
		"edition = \"2023\";\nmessage M { M m = 1; }\nservice S { rpc A(M) returns (M); }\n",
		"syntax = \"proto2\";\nmessage M { optional group G = 1 { optional int32 a = 2; } extensions 10 to max; }\nservice S { rpc A(M) returns (M); }\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		dir := t.TempDir()
		file := filepath.Join(dir, "fuzz.proto")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{dir}, Files: []string{file}})
		if err == nil && spec == nil {
			t.Fatal("nil spec without error")
		}
		var perr *protoparser.Error
		if errors.As(err, &perr) && perr.Pos.File == "" {
			t.Fatalf("positioned error without file: %v", err)
		}
	})
}

// FuzzApplyServiceConfig feeds arbitrary service config documents to
// ApplyServiceConfig: it must never panic, and its errors name the file.
func FuzzApplyServiceConfig(f *testing.F) {
	for _, seed := range []string{
		`{"methodConfig": [{"name": [{"service": "demo.v1.Greeter", "method": "SayHello"}], "timeout": "1.5s",
		  "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.1s", "maxBackoff": "2s", "backoffMultiplier": 3}}]}`,
		`{"methodConfig": [{"name": [{}], "timeout": "1e400s"}]}`,
		`{"methodConfig": {"name": 1}}`,
		`[]`,
		`{"methodConfig": [{"name": [[]], "retryPolicy": []}]}`,
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	for name, src := range map[string]string{"greeter.proto": greeter, "types.proto": types, "ext/money.proto": money} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{dir}, Files: []string{filepath.Join(dir, "greeter.proto")}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		path := filepath.Join(t.TempDir(), "config.json")
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		clone := *spec
		clone.Services = append([]ir.Service(nil), spec.Services...)
		for i := range clone.Services {
			clone.Services[i].Methods = append([]ir.Method(nil), spec.Services[i].Methods...)
		}
		if err := protoparser.ApplyServiceConfig(&clone, path); err != nil && !strings.Contains(err.Error(), path) {
			t.Fatalf("error without the file name: %v", err)
		}
	})
}
