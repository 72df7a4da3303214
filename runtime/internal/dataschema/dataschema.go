package dataschema

import (
	"reflect"
	"sync"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// TypeURLPrefix starts the URI of a protobuf message's schema.
const TypeURLPrefix = "type.googleapis.com/"

// GoPrefix starts the URI of a Go type's schema.
const GoPrefix = "urn:infgen:go:"

var cache sync.Map // reflect.Type → string

var protoMessage = reflect.TypeFor[protoreflect.ProtoMessage]()

// Of returns the schema URI of t's data (a pointer is looked through), or
// "" for a type without a name (int, a map, a slice).
func Of(t reflect.Type) string {
	if t == nil {
		return ""
	}
	if s, ok := cache.Load(t); ok {
		return s.(string)
	}
	s := of(t)
	cache.Store(t, s)
	return s
}

func of(t reflect.Type) string {
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(protoMessage) {
		t = reflect.PointerTo(t)
	}
	if t.Implements(protoMessage) && t.Kind() == reflect.Pointer {
		m := reflect.New(t.Elem()).Interface().(protoreflect.ProtoMessage)
		return TypeURLPrefix + string(m.ProtoReflect().Descriptor().FullName())
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" || t.PkgPath() == "" {
		return ""
	}
	return GoPrefix + t.PkgPath() + "." + t.Name()
}

// ForName returns the schema URI of the type name declared in the package
// pkgPath (the "data" of a generated package's event descriptor): the type
// URL of a protobuf message registered under that Go type, else the Go
// URN.
func ForName(pkgPath, name string) string {
	found := ""
	protoregistry.GlobalTypes.RangeMessages(func(mt protoreflect.MessageType) bool {
		t := reflect.TypeOf(mt.Zero().Interface())
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.PkgPath() == pkgPath && t.Name() == name {
			found = TypeURLPrefix + string(mt.Descriptor().FullName())
			return false
		}
		return true
	})
	if found != "" {
		return found
	}
	return GoPrefix + pkgPath + "." + name
}
