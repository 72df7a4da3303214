package generator

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	protoparser "github.com/infgen/infgen/parser/proto"
)

func TestGRPCGenerateRejectsIncompleteSpecs(t *testing.T) {
	t.Parallel()
	_, err := Generate(&ir.Spec{Source: ir.SourceProto, Package: "x"}, Options{})
	require.ErrorContains(t, err, "no descriptors")

	spec, err := protoparser.Load(context.Background(), protoparser.Params{
		ImportPaths: []string{filepath.Join(grpcGoldenRoot, "proto-routeguide", "input")},
		Files:       []string{"route_guide.proto"},
	})
	require.NoError(t, err)
	// Only the client- and bidi-streaming kinds left: nothing to generate.
	for i := range spec.Services {
		for j := range spec.Services[i].Methods {
			spec.Services[i].Methods[j].GRPC.Streaming = ir.StreamBidi
		}
	}
	_, err = Generate(spec, Options{})
	require.ErrorContains(t, err, "no service with a unary or server-streaming")
}

func TestGRPCGenerateHonoursPackageOption(t *testing.T) {
	t.Parallel()
	spec, err := protoparser.Load(context.Background(), protoparser.Params{
		ImportPaths: []string{filepath.Join(grpcGoldenRoot, "proto-routeguide", "input")},
		Files:       []string{"route_guide.proto"},
		Package:     "guide",
	})
	require.NoError(t, err)
	require.Equal(t, "guide", spec.Package)
	files, err := Generate(spec, Options{})
	require.NoError(t, err)
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, f.Name)
		require.Regexp(t, `(?m)^package guide$`, string(f.Content), f.Name)
	}
	require.Equal(t, []string{"doc.go", "grpc_client.go", "grpc_support.go", "register.go", "route_guide.pb.go", "route_guide_stream.pb.go", "service.go", "stub.go"}, names)
}
