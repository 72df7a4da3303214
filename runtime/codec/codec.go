package codec

import (
	"encoding/json"
	"fmt"
	"reflect"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
)

// Codec marshals payloads. Unmarshal takes a pointer, as encoding/json does.
type Codec interface {
	// Name identifies the codec on the wire ("json", "proto").
	Name() string
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSON encodes with encoding/json.
type JSON struct{}

// Name returns "json".
func (JSON) Name() string { return "json" }

// Marshal encodes v as JSON.
func (JSON) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal decodes JSON into v.
func (JSON) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// Proto encodes protobuf messages in binary form. It accepts a proto.Message,
// or a pointer to a nil message pointer which Unmarshal allocates.
type Proto struct{}

// Name returns "proto".
func (Proto) Name() string { return "proto" }

// Marshal encodes a proto.Message (or a pointer to one).
func (Proto) Marshal(v any) ([]byte, error) {
	m, err := protoMessage(v, false)
	if err != nil {
		return nil, err
	}
	return proto.Marshal(m)
}

// Unmarshal decodes data into a proto.Message, or into *M where M is a
// message pointer (allocating it).
func (Proto) Unmarshal(data []byte, v any) error {
	m, err := protoMessage(v, true)
	if err != nil {
		return err
	}
	return proto.Unmarshal(data, m)
}

func protoMessage(v any, alloc bool) (proto.Message, error) {
	if m, ok := asMessage(v); ok {
		return m, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Pointer {
		inner := rv.Elem()
		if inner.IsNil() {
			if !alloc {
				return nil, fmt.Errorf("codec: cannot marshal a nil %s", inner.Type())
			}
			inner.Set(reflect.New(inner.Type().Elem()))
		}
		if m, ok := asMessage(inner.Interface()); ok {
			return m, nil
		}
	}
	return nil, fmt.Errorf("codec: %T is not a protobuf message", v)
}

// asMessage returns v as a message of the current protobuf API, adapting a
// message of the legacy API (gogo/protobuf and old protoc-gen-go output,
// which only have Reset, String and ProtoMessage).
func asMessage(v any) (proto.Message, bool) {
	switch m := v.(type) {
	case proto.Message:
		return m, true
	case protoadapt.MessageV1:
		return protoadapt.MessageV2Of(m), true
	}
	return nil, false
}

// ByName returns the codec with the given name, or nil.
func ByName(name string) Codec {
	switch name {
	case "json", "":
		return JSON{}
	case "proto":
		return Proto{}
	}
	return nil
}
