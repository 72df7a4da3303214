package codec_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/infgen/infgen/runtime/codec"
)

func TestProtoAllocatesThroughPointerToPointer(t *testing.T) {
	t.Parallel()
	c := codec.Proto{}
	b, err := c.Marshal(wrapperspb.String("hi"))
	require.NoError(t, err)
	var out *wrapperspb.StringValue
	require.NoError(t, c.Unmarshal(b, &out))
	require.Equal(t, "hi", out.GetValue())
	_, err = c.Marshal(struct{}{})
	require.ErrorContains(t, err, "not a protobuf message")
}

func TestJSONAndByName(t *testing.T) {
	t.Parallel()
	c := codec.ByName("json")
	b, err := c.Marshal(map[string]int{"a": 1})
	require.NoError(t, err)
	var out *map[string]int
	require.NoError(t, c.Unmarshal(b, &out))
	require.Equal(t, 1, (*out)["a"])
	require.Equal(t, "proto", codec.ByName("proto").Name())
	require.Nil(t, codec.ByName("xml"))
}
