package proto

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/types/descriptorpb"
)

// TestCanonicalUnknownSortsStably checks that unknown option fields are
// put in field-number order, keeping the order of one field's records, at
// every depth of the file descriptor.
func TestCanonicalUnknownSortsStably(t *testing.T) {
	t.Parallel()
	var raw []byte
	raw = protowire.AppendTag(raw, 101, protowire.Fixed64Type)
	raw = protowire.AppendFixed64(raw, 7)
	raw = protowire.AppendTag(raw, 100, protowire.BytesType)
	raw = protowire.AppendString(raw, "first")
	raw = protowire.AppendTag(raw, 100, protowire.BytesType)
	raw = protowire.AppendString(raw, "second")

	var want []byte
	want = protowire.AppendTag(want, 100, protowire.BytesType)
	want = protowire.AppendString(want, "first")
	want = protowire.AppendTag(want, 100, protowire.BytesType)
	want = protowire.AppendString(want, "second")
	want = protowire.AppendTag(want, 101, protowire.Fixed64Type)
	want = protowire.AppendFixed64(want, 7)

	opts := &descriptorpb.EnumOptions{}
	opts.ProtoReflect().SetUnknown(raw)
	f := &descriptorpb.FileDescriptorProto{MessageType: []*descriptorpb.DescriptorProto{{
		EnumType: []*descriptorpb.EnumDescriptorProto{{Options: opts}},
	}}}
	canonicalUnknown([]*descriptorpb.FileDescriptorProto{f})
	require.Equal(t, want, []byte(opts.ProtoReflect().GetUnknown()))
}

func TestSortRecordsLeavesMalformedBytes(t *testing.T) {
	t.Parallel()
	_, ok := sortRecords([]byte{0xff})
	require.False(t, ok)
}
