package history

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fill sets every field of v (recursively, pointers, slices and maps with
// one element) to a non-zero value, so that an encoder that forgets a field
// writes something else than encoding/json.
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + v.Type().Name())
	case reflect.Int, reflect.Int64:
		if v.Type() == reflect.TypeFor[time.Duration]() {
			v.SetInt(int64(3 * time.Second))
		} else {
			v.SetInt(3)
		}
	case reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth)
			}
		}
	case reflect.Pointer:
		if depth > 2 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		if v.Type() == reflect.TypeFor[Payload]() {
			v.SetBytes([]byte(`{"p":1}`))
			return
		}
		if v.Type() == reflect.TypeFor[json.RawMessage]() {
			v.SetBytes([]byte(`{"r":1}`))
			return
		}
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fill(k, depth)
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, depth)
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

// TestMarshalWritesEveryField guards the hand-written encoder against
// fields added to the state and its parts: with every field set, Marshal
// must still write what encoding/json writes.
func TestMarshalWritesEveryField(t *testing.T) {
	t.Parallel()
	var s State
	fill(reflect.ValueOf(&s).Elem(), 0)
	s.Sealed = &Sealed{Segments: []Segment{{}}} // nothing sealed: the record holds the whole history
	got, err := s.Marshal()
	require.NoError(t, err)
	require.Equal(t, reference(t, &s), string(got))
	for _, k := range []string{`"updates"`, `"target"`, `"update"`, `"parked"`, `"sealed"`, `"retry"`, `"cause"`} {
		require.Contains(t, string(got), k)
	}
}
