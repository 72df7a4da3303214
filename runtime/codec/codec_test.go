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

// legacyNote is a message of the legacy protobuf API, as gogo/protobuf and
// old protoc-gen-go generate them: struct tags, Reset, String and
// ProtoMessage, no ProtoReflect.
type legacyNote struct {
	Text  string `protobuf:"bytes,1,opt,name=text,proto3" json:"text,omitempty"`
	Count int64  `protobuf:"varint,2,opt,name=count,proto3" json:"count,omitempty"`
}

func (m *legacyNote) Reset()         { *m = legacyNote{} }
func (m *legacyNote) String() string { return m.Text }
func (*legacyNote) ProtoMessage()    {}

// TestProtoAdaptsLegacyMessages round-trips a legacy-API message through
// the proto codec, as a task whose input is a gogo type does.
func TestProtoAdaptsLegacyMessages(t *testing.T) {
	t.Parallel()
	c := codec.Proto{}
	data, err := c.Marshal(&legacyNote{Text: "hi", Count: 3})
	require.NoError(t, err)
	require.Equal(t, []byte{0x0a, 0x02, 'h', 'i', 0x10, 0x03}, data, "the standard wire encoding")

	var back *legacyNote
	require.NoError(t, c.Unmarshal(data, &back), "allocated through the pointer, as worker.Handle decodes")
	require.Equal(t, &legacyNote{Text: "hi", Count: 3}, back)
}
