package httpapi

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// rgb is an object parameter; its properties serialize sorted by JSON name.
type rgb struct {
	R int `json:"R"`
	G int `json:"G"`
	B int `json:"B"`
}

// day is a struct with a String method, serialized as a scalar.
type day struct{ t time.Time }

func (d day) String() string { return d.t.Format("2006-01-02") }

var (
	primitive = 5
	array     = []string{"blue", "black", "brown"}
	object    = rgb{R: 100, G: 200, B: 150}
)

func TestPathParamStyles(t *testing.T) {
	t.Parallel()
	// The examples of the OpenAPI specification's style table, with object
	// properties sorted by name.
	cases := []struct {
		style   Style
		explode bool
		value   any
		want    string
	}{
		{StyleSimple, false, primitive, "5"},
		{StyleSimple, false, array, "blue,black,brown"},
		{StyleSimple, false, object, "B,150,G,200,R,100"},
		{StyleSimple, true, primitive, "5"},
		{StyleSimple, true, array, "blue,black,brown"},
		{StyleSimple, true, object, "B=150,G=200,R=100"},
		{StyleLabel, false, primitive, ".5"},
		{StyleLabel, false, array, ".blue,black,brown"},
		{StyleLabel, false, object, ".B,150,G,200,R,100"},
		{StyleLabel, true, primitive, ".5"},
		{StyleLabel, true, array, ".blue.black.brown"},
		{StyleLabel, true, object, ".B=150.G=200.R=100"},
		{StyleMatrix, false, primitive, ";color=5"},
		{StyleMatrix, false, array, ";color=blue,black,brown"},
		{StyleMatrix, false, object, ";color=B,150,G,200,R,100"},
		{StyleMatrix, true, primitive, ";color=5"},
		{StyleMatrix, true, array, ";color=blue;color=black;color=brown"},
		{StyleMatrix, true, object, ";B=150;G=200;R=100"},
		{StyleSimple, false, map[string]int{"b": 2, "a": 1}, "a,1,b,2"},
		{StyleSimple, false, &object, "B,150,G,200,R,100"},
		{StyleSimple, false, []int{}, ""},
	}
	for _, c := range cases {
		require.Equal(t, c.want, PathParam(c.style, c.explode, "color", c.value), "%s explode=%v %v", c.style, c.explode, c.value)
	}
}

func TestPathParamEscapesHeaderParamDoesNot(t *testing.T) {
	t.Parallel()
	require.Equal(t, "a%2Fb%20c", PathParam(StyleSimple, false, "id", "a/b c"))
	require.Equal(t, "a%2Fb,x%3Fy", PathParam(StyleSimple, false, "id", []string{"a/b", "x?y"}))
	require.Equal(t, "a/b c", HeaderParam(StyleSimple, false, "X-Id", "a/b c"))
	require.Equal(t, "B=150,G=200,R=100", HeaderParam(StyleSimple, true, "X-Color", object))
}

func TestAddQueryStyles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		style   Style
		explode bool
		value   any
		want    url.Values
	}{
		{StyleForm, true, primitive, url.Values{"color": {"5"}}},
		{StyleForm, true, array, url.Values{"color": {"blue", "black", "brown"}}},
		{StyleForm, true, object, url.Values{"R": {"100"}, "G": {"200"}, "B": {"150"}}},
		{StyleForm, false, primitive, url.Values{"color": {"5"}}},
		{StyleForm, false, array, url.Values{"color": {"blue,black,brown"}}},
		{StyleForm, false, object, url.Values{"color": {"B,150,G,200,R,100"}}},
		{StyleSpaceDelimited, false, array, url.Values{"color": {"blue black brown"}}},
		{StyleSpaceDelimited, true, array, url.Values{"color": {"blue", "black", "brown"}}},
		{StylePipeDelimited, false, array, url.Values{"color": {"blue|black|brown"}}},
		{StylePipeDelimited, true, array, url.Values{"color": {"blue", "black", "brown"}}},
		{StyleDeepObject, true, object, url.Values{"color[R]": {"100"}, "color[G]": {"200"}, "color[B]": {"150"}}},
		{StyleForm, true, []bool{true, false}, url.Values{"color": {"true", "false"}}},
	}
	for _, c := range cases {
		q := url.Values{}
		AddQuery(q, c.style, c.explode, "color", c.value)
		require.Equal(t, c.want, q, "%s explode=%v %v", c.style, c.explode, c.value)
	}
}

func TestAddQueryDeepObjectEncodesBrackets(t *testing.T) {
	t.Parallel()
	q := url.Values{}
	AddQuery(q, StyleDeepObject, true, "filter", map[string]string{"status": "open", "owner": "a b"})
	require.Equal(t, "filter%5Bowner%5D=a+b&filter%5Bstatus%5D=open", q.Encode())
}

func TestCookieValue(t *testing.T) {
	t.Parallel()
	require.Equal(t, "5", CookieValue(primitive))
	require.Equal(t, "blue,black,brown", CookieValue(array))
	require.Equal(t, "B,150,G,200,R,100", CookieValue(object))
}

func TestParamStringScalars(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 9, 30, 0, 500, time.UTC)
	text := "x"
	var nilText *string
	type level string
	cases := []struct {
		value any
		want  string
	}{
		{"plain", "plain"},
		{level("gold"), "gold"},
		{true, "true"},
		{int64(-42), "-42"},
		{uint8(7), "7"},
		{1.5, "1.5"},
		{float32(0.1), "0.1"},
		{1e21, "1000000000000000000000"},
		{at, "2026-11-25T09:30:00.0000005Z"},
		{[]byte("hi"), "aGk="},
		{day{at}, "2026-11-25"},
		{&text, "x"},
		{nilText, ""},
		{map[string]any{"a": 1}, `{"a":1}`},
	}
	for _, c := range cases {
		require.Equal(t, c.want, ParamString(c.value), "%#v", c.value)
	}
}

func TestStringersAndBytesAreScalars(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	require.Equal(t, "2026-01-02", PathParam(StyleSimple, true, "d", day{at}))
	require.Equal(t, "2026-01-02T03:04:05Z", PathParam(StyleSimple, true, "t", at))
	q := url.Values{}
	AddQuery(q, StyleForm, true, "file", []byte{1, 2})
	require.Equal(t, url.Values{"file": {"AQI="}}, q)
}

func TestJSONParam(t *testing.T) {
	t.Parallel()
	require.JSONEq(t, `{"B":150,"G":200,"R":100}`, JSONParam(object))
	require.Equal(t, "", JSONParam(make(chan int)))
}
