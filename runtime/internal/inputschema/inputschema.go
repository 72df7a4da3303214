package inputschema

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// Schema is a JSON Schema (draft 2020-12 keywords), as much of it as the
// dashboard's start form reads.
type Schema struct {
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	AdditionalProperties *Schema            `json:"additionalProperties,omitempty"`
	// Order lists the properties in the struct's field order (JSON objects
	// have none): the form shows them so.
	Order []string `json:"x-order,omitempty"`
	// Nullable is set for pointers: null is a valid value too.
	Nullable bool `json:"x-nullable,omitempty"`
}

// For returns the schema of values of t encoded by encoding/json.
func For(t reflect.Type) *Schema {
	return walk(t, map[reflect.Type]bool{})
}

// JSON returns For(t) encoded, or nil when t is nil.
func JSON(t reflect.Type) json.RawMessage {
	if t == nil {
		return nil
	}
	raw, err := json.Marshal(For(t))
	if err != nil {
		return nil // cannot happen: a Schema always encodes
	}
	return raw
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	rawType       = reflect.TypeFor[json.RawMessage]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
	textType      = reflect.TypeFor[encoding.TextMarshaler]()
)

// walk maps t; seen holds the struct types being walked, so that a
// recursive type ends in an unconstrained schema instead of looping.
func walk(t reflect.Type, seen map[reflect.Type]bool) *Schema {
	if t.Kind() == reflect.Pointer {
		s := walk(t.Elem(), seen)
		s.Nullable = true
		return s
	}
	switch {
	case t == timeType:
		return &Schema{Type: "string", Format: "date-time"}
	case t == rawType, t.Implements(marshalerType):
		return &Schema{} // any JSON value
	case t.Implements(textType):
		return &Schema{Type: "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &Schema{Type: "integer"}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return &Schema{Type: "string", Format: "byte"}
		}
		return &Schema{Type: "array", Items: walk(t.Elem(), seen)}
	case reflect.Map:
		return &Schema{Type: "object", AdditionalProperties: walk(t.Elem(), seen)}
	case reflect.Struct:
		if seen[t] {
			return &Schema{Type: "object"}
		}
		seen[t] = true
		defer delete(seen, t)
		s := &Schema{Type: "object", Properties: map[string]*Schema{}}
		fields(t, s, seen)
		return s
	}
	return &Schema{} // interfaces and the like: any value
}

// fields adds t's encoded fields to s, flattening embedded structs.
func fields(t reflect.Type, s *Schema, seen map[reflect.Type]bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				fields(ft, s, seen)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := s.Properties[name]; dup {
			continue
		}
		s.Properties[name] = walk(ft, seen)
		s.Order = append(s.Order, name)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && ft.Kind() != reflect.Pointer {
			s.Required = append(s.Required, name)
		}
	}
}
