package httpapi

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Style is an OpenAPI parameter serialization style.
type Style string

// The OpenAPI parameter styles.
const (
	// StyleSimple is comma-separated values (path and header default).
	StyleSimple Style = "simple"
	// StyleLabel prefixes values with a dot (path).
	StyleLabel Style = "label"
	// StyleMatrix is ;name=value (path).
	StyleMatrix Style = "matrix"
	// StyleForm is name=value (query and cookie default).
	StyleForm Style = "form"
	// StyleSpaceDelimited joins array items with spaces (query).
	StyleSpaceDelimited Style = "spaceDelimited"
	// StylePipeDelimited joins array items with pipes (query).
	StylePipeDelimited Style = "pipeDelimited"
	// StyleDeepObject is name[property]=value (query objects).
	StyleDeepObject Style = "deepObject"
)

// PathParam serializes a path parameter value v named name in style simple,
// label or matrix, with explode as declared; every value is path-escaped.
// For example an array [3, 4] named id is "3,4" (simple), ".3.4" (label,
// exploded) or ";id=3;id=4" (matrix, exploded).
func PathParam(style Style, explode bool, name string, v any) string {
	return styled(style, explode, name, v, url.PathEscape)
}

// HeaderParam serializes a header parameter value like [PathParam] (style
// simple in practice), without escaping.
func HeaderParam(style Style, explode bool, name string, v any) string {
	return styled(style, explode, name, v, func(s string) string { return s })
}

// styled implements PathParam and HeaderParam; esc escapes every name and
// value.
func styled(style Style, explode bool, name string, v any, esc func(string) string) string {
	list, obj := parts(v)
	var items []string
	pairs := false
	switch {
	case obj != nil:
		pairs = explode
		for _, kv := range obj {
			if explode {
				items = append(items, esc(kv[0])+"="+esc(kv[1]))
			} else {
				items = append(items, esc(kv[0]), esc(kv[1]))
			}
		}
	case list != nil:
		for _, s := range list {
			items = append(items, esc(s))
		}
	default:
		items = []string{esc(ParamString(v))}
	}
	switch style {
	case StyleLabel:
		sep := ","
		if explode {
			sep = "."
		}
		return "." + strings.Join(items, sep)
	case StyleMatrix:
		if pairs {
			return ";" + strings.Join(items, ";")
		}
		if explode && list != nil {
			prefix := ";" + name + "="
			return prefix + strings.Join(items, prefix)
		}
		return ";" + name + "=" + strings.Join(items, ",")
	}
	return strings.Join(items, ",")
}

// AddQuery adds the query parameter name with value v to q in style form,
// spaceDelimited, pipeDelimited or deepObject. Exploded arrays repeat the
// parameter (id=3&id=4), exploded objects become one parameter per property
// (role=admin&first=Alex), deepObject gives name[property]=value, and the
// rest joins the items with commas (or spaces or pipes).
func AddQuery(q url.Values, style Style, explode bool, name string, v any) {
	list, obj := parts(v)
	switch {
	case obj != nil:
		var flat []string
		for _, kv := range obj {
			switch {
			case style == StyleDeepObject:
				q.Add(name+"["+kv[0]+"]", kv[1])
			case explode:
				q.Add(kv[0], kv[1])
			default:
				flat = append(flat, kv[0], kv[1])
			}
		}
		if flat != nil {
			q.Add(name, strings.Join(flat, ","))
		}
	case list != nil:
		switch {
		case style == StyleSpaceDelimited && !explode:
			q.Add(name, strings.Join(list, " "))
		case style == StylePipeDelimited && !explode:
			q.Add(name, strings.Join(list, "|"))
		case explode:
			for _, s := range list {
				q.Add(name, s)
			}
		default:
			q.Add(name, strings.Join(list, ","))
		}
	default:
		q.Add(name, ParamString(v))
	}
}

// CookieValue serializes a cookie parameter value (style form, not
// exploded): arrays and objects as comma-separated items.
func CookieValue(v any) string {
	list, obj := parts(v)
	switch {
	case obj != nil:
		var flat []string
		for _, kv := range obj {
			flat = append(flat, kv[0], kv[1])
		}
		return strings.Join(flat, ",")
	case list != nil:
		return strings.Join(list, ",")
	}
	return ParamString(v)
}

// JSONParam is the JSON encoding of a parameter declared with content
// (application/json) instead of a schema; a value JSON cannot encode gives
// an empty string.
func JSONParam(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ParamString formats a scalar parameter value: strings as they are,
// time.Time as RFC 3339, []byte as standard base64, values with a String
// method through it, numbers and booleans with strconv, nil pointers as "",
// anything else as its JSON encoding.
func ParamString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case json.RawMessage:
		return string(x)
	case fmt.Stringer:
		return x.String()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return ""
		}
		return ParamString(rv.Elem().Interface())
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(rv.Float(), 'f', -1, rv.Type().Bits())
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// parts splits an array value into its formatted items, or an object value
// (a struct or map) into key/value pairs sorted by key. Scalars (including
// []byte and structs with a String or MarshalText method, such as time.Time)
// give nil, nil.
func parts(v any) (list []string, obj [][2]string) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return nil, nil
		}
		list = []string{}
		for i := range rv.Len() {
			list = append(list, ParamString(rv.Index(i).Interface()))
		}
		return list, nil
	case reflect.Map, reflect.Struct:
		switch rv.Interface().(type) {
		case fmt.Stringer, encoding.TextMarshaler:
			return nil, nil
		}
		return nil, objectPairs(v)
	}
	return nil, nil
}

// objectPairs is the properties of v's JSON encoding sorted by name, nested
// values as JSON; nil when v does not encode to a JSON object.
func objectPairs(v any) [][2]string {
	b, err := json.Marshal(v)
	var m map[string]json.RawMessage
	if err != nil || json.Unmarshal(b, &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	obj := [][2]string{}
	for _, k := range keys {
		var s string
		if json.Unmarshal(m[k], &s) != nil {
			s = string(m[k])
		}
		obj = append(obj, [2]string{k, s})
	}
	return obj
}
