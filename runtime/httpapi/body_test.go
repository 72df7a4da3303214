package httpapi

import (
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/service"
)

func TestFormBody(t *testing.T) {
	t.Parallel()
	type form struct {
		Name  string   `json:"name"`
		Tags  []string `json:"tags"`
		Count int      `json:"count"`
		Skip  string   `json:"skip,omitempty"`
	}
	got := FormBody(&form{Name: "a b", Tags: []string{"x", "y"}, Count: 3})
	require.Equal(t, "count=3&name=a+b&tags=x&tags=y", got)
	q, err := url.ParseQuery(got)
	require.NoError(t, err)
	require.Equal(t, []string{"x", "y"}, q["tags"])
	require.Equal(t, "", FormBody(42), "a scalar has no fields")
}

func TestMultipartBody(t *testing.T) {
	t.Parallel()
	type upload struct {
		File    []byte            `json:"file"`
		Note    string            `json:"note,omitempty"`
		Size    int               `json:"size"`
		Meta    map[string]string `json:"meta"`
		Empty   string            `json:"empty"`
		Ignored string            `json:"-"`
		private string
	}
	body, contentType, err := MultipartBody(&upload{
		File: []byte{0, 1, 2}, Note: "hello", Size: 3, Meta: map[string]string{"k": "v"}, Ignored: "x", private: "y",
	})
	require.NoError(t, err)
	media, params, err := mime.ParseMediaType(contentType)
	require.NoError(t, err)
	require.Equal(t, "multipart/form-data", media)

	r := multipart.NewReader(body, params["boundary"])
	got := map[string]string{}
	files := map[string]string{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		data, err := io.ReadAll(p)
		require.NoError(t, err)
		got[p.FormName()] = string(data)
		files[p.FormName()] = p.FileName()
	}
	require.Equal(t, map[string]string{"file": "\x00\x01\x02", "note": "hello", "size": "3", "meta": `{"k":"v"}`}, got)
	require.Equal(t, "file", files["file"], "[]byte fields are files")
	require.Equal(t, "", files["note"], "other fields are values")
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	var v struct {
		ID int `json:"id"`
	}
	require.NoError(t, DecodeJSON("GetPet", []byte(" \n"), &v), "an empty body leaves v alone")
	require.Zero(t, v.ID)
	require.NoError(t, DecodeJSON("GetPet", []byte(`{"id":7}`), &v))
	require.Equal(t, 7, v.ID)

	err := DecodeJSON("GetPet", []byte(`{"id":"seven"}`), &v)
	require.ErrorContains(t, err, "GetPet: decode response body")
	require.False(t, service.IsRetryable(err), "a body that does not decode will not decode on retry")
}

func TestDecodeStrict(t *testing.T) {
	t.Parallel()
	var v struct {
		ID int `json:"id"`
	}
	require.NoError(t, DecodeStrict([]byte(`{"id":1}`), &v))
	require.ErrorContains(t, DecodeStrict([]byte(`{"id":1,"name":"x"}`), &v), "unknown field")
}

func TestParseHeader(t *testing.T) {
	t.Parallel()
	var s string
	require.NoError(t, ParseHeader("a, b", &s))
	require.Equal(t, "a, b", s)

	var n int
	require.NoError(t, ParseHeader("42", &n))
	require.Equal(t, 42, n)

	var list []int
	require.NoError(t, ParseHeader("1, 2,3", &list))
	require.Equal(t, []int{1, 2, 3}, list)

	var at time.Time
	require.NoError(t, ParseHeader("2026-11-25T09:30:00Z", &at))
	require.Equal(t, time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC), at)

	require.Error(t, ParseHeader("many", &n))
	require.ErrorContains(t, ParseHeader("1", n), "non-nil pointer")
}

func TestDecodeErrorBodySetsTheFieldOnlyWhenTheBodyDecodes(t *testing.T) {
	type problem struct {
		Title string `json:"title"`
	}
	var e struct{ Body *problem }
	DecodeErrorBody("Op", []byte(`{"title":"declined"}`), &e.Body)
	require.NotNil(t, e.Body)
	require.Equal(t, "declined", e.Body.Title)

	for _, data := range []string{"", "<html>bad gateway</html>"} {
		var e struct{ Body *problem }
		DecodeErrorBody("Op", []byte(data), &e.Body)
		require.Nil(t, e.Body, "%q", data)
	}
}
