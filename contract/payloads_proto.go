package contract

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	protoparser "github.com/infgen/infgen/parser/proto"
)

// ProtoPayloads validates the recorded payloads of the tasks of the gRPC
// services of a .proto file against its new version: each input, and each
// recorded answer, is decoded with the new request or response descriptor
// (dynamicpb). A payload that does not decode, that holds fields the new
// message does not know (deleted or renumbered fields, or fields whose type
// changed so that the wire type differs), that lacks a required (proto2)
// field, or that holds an enum number the new enum does not define is a
// problem; so is a task whose method the new version no longer has.
func ProtoPayloads(ctx context.Context, importPaths []string, oldFile, newFile string) (*Payloads, error) {
	oldFiles, oldNames, err := protoparser.Compile(ctx, importPaths, []string{oldFile})
	if err != nil {
		return nil, err
	}
	newFiles, newNames, err := protoparser.Compile(ctx, importPaths, []string{newFile})
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for name, s := range index(oldFiles, map[string]string{oldNames[0]: oldFile}).services {
		if s.target {
			known[name] = true
		}
	}
	reg, err := protodesc.NewFiles(&descriptorpb.FileDescriptorSet{File: newFiles})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", newFile, err)
	}
	fd, err := reg.FindFileByPath(newNames[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", newFile, err)
	}
	services := fd.Services()
	p := &Payloads{known: known}
	p.check = func(t Task) []string {
		s := services.ByName(protoreflect.FullName(t.Service).Name())
		if s == nil || string(s.FullName()) != t.Service {
			return []string{fmt.Sprintf("the new file has no service %s: the task cannot run again", t.Service)}
		}
		m := findMethod(s, t.Method)
		if m == nil {
			return []string{fmt.Sprintf("the new file has no method %s in service %s: the task cannot run again, and the workflow code calling it no longer builds", t.Method, t.Service)}
		}
		where := "/" + string(s.FullName()) + "/" + string(m.Name())
		probs := checkProtoPayload("request", where, m.Input(), t.Codec, t.Input)
		if t.Answered {
			probs = append(probs, checkProtoPayload("response", where, m.Output(), t.Codec, t.Output)...)
		}
		return probs
	}
	return p, nil
}

// findMethod finds a method by the name tasks record (its Go name, which
// is its proto name in CamelCase).
func findMethod(s protoreflect.ServiceDescriptor, name string) protoreflect.MethodDescriptor {
	if m := s.Methods().ByName(protoreflect.Name(name)); m != nil {
		return m
	}
	for i := range s.Methods().Len() {
		m := s.Methods().Get(i)
		if strings.EqualFold(strings.ReplaceAll(string(m.Name()), "_", ""), name) {
			return m
		}
	}
	return nil
}

// checkProtoPayload decodes a recorded payload with the new descriptor.
func checkProtoPayload(what, where string, md protoreflect.MessageDescriptor, codec string, data []byte) []string {
	msg := dynamicpb.NewMessage(md)
	var err error
	if codec == "json" {
		err = protojson.UnmarshalOptions{}.Unmarshal(data, msg)
	} else {
		err = proto.UnmarshalOptions{AllowPartial: true}.Unmarshal(data, msg)
	}
	if err != nil {
		return []string{fmt.Sprintf("the recorded %s of %s does not decode as the new %s: %v", what, where, md.FullName(), err)}
	}
	var probs []string
	walkMessage(msg, string(md.FullName()), func(path, problem string) {
		probs = append(probs, fmt.Sprintf("the recorded %s of %s: %s: %s", what, where, path, problem))
	})
	if err := proto.CheckInitialized(msg); err != nil {
		probs = append(probs, fmt.Sprintf("the recorded %s of %s lacks a required field of the new %s: %v", what, where, md.FullName(), err))
	}
	return probs
}

// walkMessage reports unknown fields and undefined enum numbers in m and
// the messages it holds.
func walkMessage(m protoreflect.Message, path string, report func(path, problem string)) {
	if u := m.GetUnknown(); len(u) > 0 {
		report(path, "holds field number(s) "+unknownNumbers(u)+" that the new message does not read with their recorded type (deleted, renumbered or retyped): their values are lost")
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		p := path + "." + string(fd.Name())
		switch {
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				checkValue(fd, l.Get(i), fmt.Sprintf("%s[%d]", p, i), report)
			}
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				checkValue(fd.MapValue(), mv, fmt.Sprintf("%s[%v]", p, k.Interface()), report)
				return true
			})
		default:
			checkValue(fd, v, p, report)
		}
		return true
	})
}

func checkValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string, report func(path, problem string)) {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		walkMessage(v.Message(), path, report)
	case protoreflect.EnumKind:
		if fd.Enum().Values().ByNumber(v.Enum()) == nil {
			report(path, fmt.Sprintf("holds %d, which enum %s no longer defines", v.Enum(), fd.Enum().FullName()))
		}
	}
}

// unknownNumbers lists the field numbers of unknown-field bytes.
func unknownNumbers(b []byte) string {
	var nums []string
	seen := map[protoreflect.FieldNumber]bool{}
	for len(b) > 0 {
		num, _, n := protowire.ConsumeField(b)
		if n < 0 {
			break
		}
		if !seen[num] {
			seen[num] = true
			nums = append(nums, fmt.Sprint(num))
		}
		b = b[n:]
	}
	return strings.Join(nums, ", ")
}
