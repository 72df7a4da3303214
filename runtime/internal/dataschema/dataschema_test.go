package dataschema_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/infgen/infgen/runtime/internal/dataschema"
)

type Output struct{ N int }

func TestOf(t *testing.T) {
	t.Parallel()
	for typ, want := range map[reflect.Type]string{
		reflect.TypeFor[*Output]():         "urn:infgen:go:github.com/infgen/infgen/runtime/internal/dataschema_test.Output",
		reflect.TypeFor[Output]():          "urn:infgen:go:github.com/infgen/infgen/runtime/internal/dataschema_test.Output",
		reflect.TypeFor[*emptypb.Empty]():  "type.googleapis.com/google.protobuf.Empty",
		reflect.TypeFor[structpb.Struct](): "type.googleapis.com/google.protobuf.Struct",
		reflect.TypeFor[int]():             "",
		reflect.TypeFor[map[string]any]():  "",
		reflect.TypeFor[[]Output]():        "",
	} {
		require.Equal(t, want, dataschema.Of(typ), typ.String())
		require.Equal(t, want, dataschema.Of(typ), "cached: %s", typ)
	}
	require.Empty(t, dataschema.Of(nil))
}

func TestForNameAgreesWithOf(t *testing.T) {
	t.Parallel()
	require.Equal(t, dataschema.Of(reflect.TypeFor[*emptypb.Empty]()),
		dataschema.ForName("google.golang.org/protobuf/types/known/emptypb", "Empty"))
	require.Equal(t, dataschema.Of(reflect.TypeFor[*Output]()),
		dataschema.ForName("github.com/infgen/infgen/runtime/internal/dataschema_test", "Output"))
}
