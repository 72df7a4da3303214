package proto_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

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
