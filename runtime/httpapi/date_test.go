package httpapi

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDateJSON(t *testing.T) {
	t.Parallel()
	d := Date{time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
	data, err := json.Marshal(struct {
		Due Date `json:"due"`
	}{d})
	require.NoError(t, err)
	require.JSONEq(t, `{"due":"2026-11-25"}`, string(data))

	var got Date
	require.NoError(t, json.Unmarshal([]byte(`"2026-11-25"`), &got))
	require.True(t, got.Equal(d.Time))
	require.NoError(t, json.Unmarshal([]byte(`"2026-11-25T13:14:15Z"`), &got), "a date-time keeps its date")
	require.Equal(t, "2026-11-25", got.String())
	require.NoError(t, json.Unmarshal([]byte(`null`), &got))
	require.Equal(t, "2026-11-25", got.String(), "null leaves the date alone")

	require.Error(t, json.Unmarshal([]byte(`"25/11/2026"`), &got))
	require.Error(t, json.Unmarshal([]byte(`20261125`), &got))
}

func TestDateParameters(t *testing.T) {
	t.Parallel()
	d := Date{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}
	require.Equal(t, "2026-01-02", PathParam(StyleSimple, false, "on", d))
	q := url.Values{}
	AddQuery(q, StyleForm, true, "on", []Date{d, d})
	require.Equal(t, url.Values{"on": {"2026-01-02", "2026-01-02"}}, q)
}
