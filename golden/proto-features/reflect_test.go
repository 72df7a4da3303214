package features_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/infgen/infgen/generator"
	"github.com/infgen/infgen/ir"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// shape strips what reflection cannot know (comments, source positions).
func shape(services []ir.Service) []ir.Service {
	out := make([]ir.Service, len(services))
	for i, s := range services {
		s.Doc = ""
		s.Methods = append([]ir.Method(nil), s.Methods...)
		for j := range s.Methods {
			s.Methods[j].Doc, s.Methods[j].Pos = "", ir.Pos{}
		}
		out[i] = s
	}
	return out
}

func TestReflectionYieldsTheSameServices(t *testing.T) {
	t.Parallel()
	_, conn := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reflected, err := protoparser.Reflect(ctx, protoparser.ReflectParams{Addr: conn.Target(), Conn: conn})
	require.NoError(t, err)
	loaded, err := protoparser.Load(ctx, protoparser.Params{
		ImportPaths: []string{"input"},
		Files:       []string{"input/inventory.proto"},
	})
	require.NoError(t, err)
	require.Equal(t, loaded.Package, reflected.Package)
	require.Equal(t, shape(loaded.Services), shape(reflected.Services))
	require.Len(t, reflected.Warnings, 2, "client- and bidi-streaming methods are reported: %v", reflected.Warnings)

	// The code that does not carry proto comments is identical to the golden
	// package generated from source.
	const command = "infgen generate proto -I input --out expected input/inventory.proto input/labels.proto"
	files, err := generator.Generate(reflected, generator.Options{Command: command})
	require.NoError(t, err)
	names := map[string]bool{}
	for _, f := range files {
		names[f.Name] = true
		switch f.Name {
		case "grpc_client.go", "grpc_support.go", "register.go", "stub.go":
			want, err := os.ReadFile(filepath.Join("expected", f.Name))
			require.NoError(t, err)
			require.Equal(t, string(want), string(f.Content), f.Name)
		}
	}
	for _, want := range []string{"inventory.pb.go", "common.pb.go", "labels.pb.go", "inventory_stream.pb.go", "service.go"} {
		require.True(t, names[want], "reflection output lacks %s", want)
	}
}

func TestReflectionServiceFilterAndErrors(t *testing.T) {
	t.Parallel()
	_, conn := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	spec, err := protoparser.Reflect(ctx, protoparser.ReflectParams{Addr: conn.Target(), Conn: conn, Services: []string{"infgen.test.inventory.v1.Audit"}})
	require.NoError(t, err)
	require.Len(t, spec.Services, 1)
	require.Equal(t, "Audit", spec.Services[0].Name)

	_, err = protoparser.Reflect(ctx, protoparser.ReflectParams{Addr: conn.Target(), Conn: conn, Services: []string{"no.Such"}})
	require.ErrorContains(t, err, `does not offer service "no.Such"`)

	// A server without the reflection service.
	bare := grpc.NewServer()
	t.Cleanup(bare.Stop)
	lis := listen(t)
	go func() { _ = bare.Serve(lis) }()
	_, err = protoparser.Reflect(ctx, protoparser.ReflectParams{
		Addr:        lis.Addr().String(),
		DialOptions: []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())},
	})
	require.ErrorContains(t, err, "server reflection")
}
