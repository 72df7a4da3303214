package contract

import (
	"strings"

	"google.golang.org/protobuf/types/descriptorpb"
)

func (c *protoCompare) messages() {
	for _, name := range sortedKeys(c.old.msgs) {
		o := c.old.msgs[name]
		if !o.target || o.desc.GetOptions().GetMapEntry() {
			continue
		}
		n := c.new.msgs[name]
		if n == nil {
			c.add(Error, "MESSAGE_NO_DELETE", name, o.file.location(o.path), "message %s was deleted: the code and the requests or answers using it break", name)
			continue
		}
		c.fields(name, o, n)
	}
	for _, name := range sortedKeys(c.new.msgs) {
		if n := c.new.msgs[name]; n.target && !n.desc.GetOptions().GetMapEntry() && c.old.msgs[name] == nil {
			c.add(Info, "MESSAGE_ADDED", name, n.file.location(n.path), "message %s was added", name)
		}
	}
}

// fields compares the fields of a message, matched by number.
func (c *protoCompare) fields(msg string, o, n *declared[descriptorpb.DescriptorProto]) {
	byNumber := func(m *descriptorpb.DescriptorProto) map[int32]int {
		out := map[int32]int{}
		for i, f := range m.Field {
			out[f.GetNumber()] = i
		}
		return out
	}
	newByNumber, oldByNumber := byNumber(n.desc), byNumber(o.desc)
	for i, of := range o.desc.Field {
		j, ok := newByNumber[of.GetNumber()]
		if !ok {
			loc := o.file.location(appendPath(o.path, msgField, int32(i)))
			if k := fieldNamed(n.desc, of.GetName()); k >= 0 {
				c.add(Error, "FIELD_NO_DELETE", msg, n.file.location(appendPath(n.path, msgField, int32(k))),
					"field %q was renumbered from %d to %d: data written with the old number is not read into it (and the old number is free for reuse)",
					of.GetName(), of.GetNumber(), n.desc.Field[k].GetNumber())
				continue
			}
			c.add(Error, "FIELD_NO_DELETE", msg, loc, "field %q (%d) was deleted: senders still setting it lose it, and JSON with it is rejected", of.GetName(), of.GetNumber())
			continue
		}
		nf := n.desc.Field[j]
		c.field(msg, o.desc, n.desc, of, nf, n.file.location(appendPath(n.path, msgField, int32(j))))
	}
	for j, nf := range n.desc.Field {
		if _, ok := oldByNumber[nf.GetNumber()]; ok || fieldNamed(o.desc, nf.GetName()) >= 0 {
			continue
		}
		loc := n.file.location(appendPath(n.path, msgField, int32(j)))
		if nf.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REQUIRED {
			c.add(Error, "FIELD_ADDED_REQUIRED", msg, loc, "required field %q (%d) was added: messages without it fail to parse", nf.GetName(), nf.GetNumber())
			continue
		}
		c.add(Info, "FIELD_ADDED", msg, loc, "field %q (%d) was added", nf.GetName(), nf.GetNumber())
	}
}

// field compares a field kept under its number.
func (c *protoCompare) field(msg string, om, nm *descriptorpb.DescriptorProto, o, n *descriptorpb.FieldDescriptorProto, loc Location) {
	if o.GetName() != n.GetName() {
		c.add(Error, "FIELD_SAME_NAME", msg, loc, "field %d was renamed from %q to %q: its JSON name and generated code change", o.GetNumber(), o.GetName(), n.GetName())
	} else if o.GetJsonName() != n.GetJsonName() {
		c.add(Error, "FIELD_SAME_JSON_NAME", msg, loc, "the JSON name of field %q changed from %q to %q", o.GetName(), o.GetJsonName(), n.GetJsonName())
	}
	if ot, nt := fieldType(o), fieldType(n); ot != nt {
		c.add(Error, "FIELD_SAME_TYPE", msg, loc, "the type of field %q changed from %s to %s: recorded and sent values decode differently", n.GetName(), ot, nt)
	}
	if cardinality(o) != cardinality(n) {
		c.add(Error, "FIELD_SAME_CARDINALITY", msg, loc, "field %q changed from %s to %s", n.GetName(), cardinality(o), cardinality(n))
	}
	if oo, no := oneofName(om, o), oneofName(nm, n); oo != no {
		c.add(Error, "FIELD_SAME_ONEOF", msg, loc, "field %q moved from %s to %s: setting it now clears other fields (or no longer does)", n.GetName(), describeOneof(oo), describeOneof(no))
	}
	if o.GetProto3Optional() != n.GetProto3Optional() && cardinality(o) == cardinality(n) {
		c.add(Warning, "FIELD_SAME_PRESENCE", msg, loc, "field %q changed its presence (proto3 optional %v → %v)", n.GetName(), o.GetProto3Optional(), n.GetProto3Optional())
	}
}

func fieldNamed(m *descriptorpb.DescriptorProto, name string) int {
	for i, f := range m.Field {
		if f.GetName() == name {
			return i
		}
	}
	return -1
}

// fieldType names a field's type: its scalar kind, or the message or enum.
func fieldType(f *descriptorpb.FieldDescriptorProto) string {
	if f.GetTypeName() != "" {
		return strings.TrimPrefix(f.GetTypeName(), ".")
	}
	return strings.ToLower(strings.TrimPrefix(f.GetType().String(), "TYPE_"))
}

func cardinality(f *descriptorpb.FieldDescriptorProto) string {
	switch f.GetLabel() {
	case descriptorpb.FieldDescriptorProto_LABEL_REPEATED:
		return "repeated"
	case descriptorpb.FieldDescriptorProto_LABEL_REQUIRED:
		return "required"
	}
	return "singular"
}

// oneofName is the real oneof a field is in ("" for none; a proto3
// optional field's synthetic oneof is none).
func oneofName(m *descriptorpb.DescriptorProto, f *descriptorpb.FieldDescriptorProto) string {
	if f.OneofIndex == nil || f.GetProto3Optional() {
		return ""
	}
	return m.OneofDecl[f.GetOneofIndex()].GetName()
}

func describeOneof(name string) string {
	if name == "" {
		return "no oneof"
	}
	return "oneof " + name
}

func (c *protoCompare) enums() {
	for _, name := range sortedKeys(c.old.enums) {
		o := c.old.enums[name]
		if !o.target {
			continue
		}
		n := c.new.enums[name]
		if n == nil {
			c.add(Error, "ENUM_NO_DELETE", name, o.file.location(o.path), "enum %s was deleted", name)
			continue
		}
		newByNumber := map[int32]int{}
		for j, v := range n.desc.Value {
			if _, dup := newByNumber[v.GetNumber()]; !dup { // aliases: the first name is the JSON one
				newByNumber[v.GetNumber()] = j
			}
		}
		oldNumbers := map[int32]bool{}
		for i, ov := range o.desc.Value {
			if oldNumbers[ov.GetNumber()] {
				continue
			}
			oldNumbers[ov.GetNumber()] = true
			j, ok := newByNumber[ov.GetNumber()]
			if !ok {
				c.add(Error, "ENUM_VALUE_NO_DELETE", name, o.file.location(appendPath(o.path, enumValue, int32(i))),
					"enum value %s (%d) was deleted: recorded and sent values holding it no longer decode to a known value (and JSON with its name is rejected)", ov.GetName(), ov.GetNumber())
				continue
			}
			if nv := n.desc.Value[j]; nv.GetName() != ov.GetName() {
				c.add(Error, "ENUM_VALUE_SAME_NAME", name, n.file.location(appendPath(n.path, enumValue, int32(j))),
					"enum value %d was renamed from %s to %s: JSON holding the old name is rejected", ov.GetNumber(), ov.GetName(), nv.GetName())
			}
		}
		for j, nv := range n.desc.Value {
			if !oldNumbers[nv.GetNumber()] {
				oldNumbers[nv.GetNumber()] = true
				c.add(Info, "ENUM_VALUE_ADDED", name, n.file.location(appendPath(n.path, enumValue, int32(j))), "enum value %s (%d) was added", nv.GetName(), nv.GetNumber())
			}
		}
	}
	for _, name := range sortedKeys(c.new.enums) {
		if n := c.new.enums[name]; n.target && c.old.enums[name] == nil {
			c.add(Info, "ENUM_ADDED", name, n.file.location(n.path), "enum %s was added", name)
		}
	}
}
