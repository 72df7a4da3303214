package proto

import (
	"cmp"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// canonicalUnknown puts the unknown fields of every message inside the
// file descriptors (options the compiler interpreted but descriptorpb does
// not declare, such as fields of a project's extended descriptor.proto) in
// field-number order, in place. The compiler does not always emit them in
// one order, and they are copied byte for byte into the generated code,
// which must not change from one run to the next. The sort is stable, so
// the records of one field keep their order and the meaning is unchanged.
func canonicalUnknown(files []*descriptorpb.FileDescriptorProto) {
	for _, f := range files {
		canonicalMessage(f.ProtoReflect())
	}
}

func canonicalMessage(m protoreflect.Message) {
	if raw := m.GetUnknown(); len(raw) > 0 {
		if sorted, ok := sortRecords(raw); ok {
			m.SetUnknown(sorted)
		}
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := range l.Len() {
				canonicalMessage(l.Get(i).Message())
			}
		case fd.Message() != nil && !fd.IsMap():
			canonicalMessage(v.Message())
		}
		return true
	})
}

// sortRecords splits wire-format bytes into field records and returns them
// stably sorted by field number; ok is false when the bytes do not parse
// (they are then left as they are).
func sortRecords(raw protoreflect.RawFields) (protoreflect.RawFields, bool) {
	type record struct {
		num  protowire.Number
		data []byte
	}
	var recs []record
	for b := []byte(raw); len(b) > 0; {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, false
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return nil, false
		}
		recs = append(recs, record{num, b[:n+m]})
		b = b[n+m:]
	}
	slices.SortStableFunc(recs, func(a, b record) int { return cmp.Compare(a.num, b.num) })
	out := make([]byte, 0, len(raw))
	for _, r := range recs {
		out = append(out, r.data...)
	}
	return out, true
}
