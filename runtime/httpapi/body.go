package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"reflect"
	"strings"

	"github.com/infgen/infgen/runtime/service"
)

// FormBody encodes v as application/x-www-form-urlencoded: the properties
// of an object (a struct, by its json tags, or a map) become fields sorted
// by name, and arrays repeat their field.
func FormBody(v any) string {
	q := url.Values{}
	for _, kv := range objectPairs(v) {
		var items []string
		if json.Unmarshal([]byte(kv[1]), &items) == nil {
			for _, s := range items {
				q.Add(kv[0], s)
			}
			continue
		}
		q.Add(kv[0], kv[1])
	}
	return q.Encode()
}

// MultipartBody encodes a struct (or a pointer to one) as
// multipart/form-data and returns the body and its Content-Type (with the
// boundary). Fields are named by their json tags and zero fields are left
// out; []byte fields are sent as files named like the field, other fields
// as values formatted by [ParamString] (objects as JSON).
func MultipartBody(v any) (io.Reader, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Struct {
		for i := range rv.NumField() {
			field := rv.Type().Field(i)
			name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
			fv := rv.Field(i)
			if name == "" || name == "-" || !field.IsExported() || fv.IsZero() {
				continue
			}
			if err := writePart(mw, name, fv.Interface()); err != nil {
				return nil, "", fmt.Errorf("multipart field %s: %w", name, err)
			}
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", fmt.Errorf("close multipart body: %w", err)
	}
	return &buf, mw.FormDataContentType(), nil
}

// writePart writes one multipart field: a file for []byte, a value
// otherwise.
func writePart(mw *multipart.Writer, name string, v any) error {
	b, ok := v.([]byte)
	if !ok {
		return mw.WriteField(name, ParamString(v))
	}
	w, err := mw.CreateFormFile(name, name)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// DecodeJSON decodes a response body of operation op into v; an empty (or
// blank) body leaves v alone. A body that does not decode is a permanent
// error: retrying would receive the same body.
func DecodeJSON(op string, data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return service.Permanent(fmt.Errorf("%s: decode response body: %w", op, err))
	}
	return nil
}

// DecodeErrorBody decodes data, the body of an error response, into a new
// value of the type *field points to, and sets *field (an error's body
// field, a pointer) to it when data is not empty and decodes. Otherwise
// *field is left nil: a body that is not the declared one (an HTML page
// from a proxy, say) is kept only in the error's Message. [Call] decodes
// the declared body of an error response with it, as did the method bodies
// of packages generated before Call.
func DecodeErrorBody(op string, data []byte, field any) {
	f := reflect.ValueOf(field).Elem()
	v := reflect.New(f.Type().Elem())
	if len(data) > 0 && DecodeJSON(op, data, v.Interface()) == nil {
		f.Set(v)
	}
}

// DecodeStrict decodes JSON into v rejecting unknown object fields; union
// types use it to find the variant a value matches exactly.
func DecodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// ParseHeader parses a response header value s into v (a non-nil pointer):
// strings as they are, lists split at commas (each item parsed alike),
// other values as JSON (numbers, booleans) or else as a JSON string (dates,
// enums).
func ParseHeader(s string, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("parse header: want a non-nil pointer, got %T", v)
	}
	rv = rv.Elem()
	switch {
	case rv.Kind() == reflect.String:
		rv.SetString(s)
		return nil
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() != reflect.Uint8:
		items := strings.Split(s, ",")
		list := reflect.MakeSlice(rv.Type(), len(items), len(items))
		for i, item := range items {
			if err := ParseHeader(strings.TrimSpace(item), list.Index(i).Addr().Interface()); err != nil {
				return err
			}
		}
		rv.Set(list)
		return nil
	}
	if json.Unmarshal([]byte(s), v) == nil {
		return nil
	}
	quoted, _ := json.Marshal(s)
	return json.Unmarshal(quoted, v)
}
