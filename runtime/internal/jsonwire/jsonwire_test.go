package jsonwire

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAppendStringIsJSONMarshal(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `q"uote\`, "<a&b>", "ctl\x00\x1f\b\f\n\r\t", "ünïcødé", "\u2028\u2029", "bad\xff\xfeutf8", "\xe2\x80"} {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(AppendString(nil, s)), "%q", s)
	}
}

func TestReader(t *testing.T) {
	t.Parallel()
	r := NewReader([]byte(` {"a": "x", "n": -12, "v": [1, {"b": null}, "s\"t"], "z": null} `))
	got := map[string]any{}
	require.NoError(t, r.Object(func(key []byte) error {
		switch string(key) {
		case "a":
			s, err := r.String()
			got["a"] = s
			return err
		case "n":
			n, err := r.Int()
			got["n"] = n
			return err
		default:
			raw, err := r.Raw()
			got[string(key)] = string(raw)
			return err
		}
	}))
	require.NoError(t, r.End())
	require.Equal(t, map[string]any{"a": "x", "n": int64(-12), "v": `[1, {"b": null}, "s\"t"]`, "z": "null"}, got)

	for _, bad := range []string{`{"a":1,}`, `{"a" 1}`, `{"a":1} x`, `{"\u0061":1}`, `{"a":"\u00e9"}`, `{"a":1.5}`, `{"a":01}`} {
		r := NewReader([]byte(bad))
		err := r.Object(func([]byte) error {
			if _, err := r.Int(); err != nil {
				_, err = r.String()
				return err
			}
			return nil
		})
		if err == nil {
			err = r.End()
		}
		require.ErrorIs(t, err, ErrFallback, "%s", bad)
	}
}

func TestCanonical(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		`{"a":[1,2,{"b":"c"}]}`: true, `"x"`: true, `1.5e3`: true, `null`: true,
		`{"a": 1}`: false, ` 1`: false, `1 `: false, `"<"`: false, `"\u2028"`: true, "\"\u2028\"": false,
		`{"a":1`: false, ``: false, `[1,]`: false,
	} {
		require.Equal(t, want, Canonical([]byte(s)), "%s", s)
	}
}

// FuzzRaw checks that what Raw accepts is valid JSON, and that Canonical
// values are those encoding/json writes back unchanged.
func FuzzRaw(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e-3,true,false,null,"\u00e9\n"]}`, `[{"a":{}}]`, `"<>"`, `-0.0`, "\"\u2028\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(data)
		raw, err := r.Raw()
		if err == nil && r.End() == nil && !json.Valid(data) {
			t.Fatalf("Raw accepted invalid %q", data)
		}
		if err == nil && !json.Valid(raw) {
			t.Fatalf("Raw returned invalid %q", raw)
		}
		if Canonical(data) {
			var buf bytes.Buffer
			if err := json.Compact(&buf, data); err != nil {
				t.Fatalf("Canonical %q is not valid: %v", data, err)
			}
			out, err := json.Marshal(json.RawMessage(data))
			if err != nil || !bytes.Equal(out, data) {
				t.Fatalf("Canonical %q is written as %q (%v)", data, out, err)
			}
		}
	})
}
