package httpapi

import (
	"encoding/json"
	"time"
)

// DateLayout is the layout of OpenAPI format "date" (RFC 3339 full-date).
const DateLayout = "2006-01-02"

// Date is a calendar date (OpenAPI format "date"), encoded as "2006-01-02".
// Generated packages declare it as their Date type.
type Date struct {
	time.Time
}

// String formats the date as 2006-01-02; parameters are serialized through
// it.
func (d Date) String() string {
	return d.Format(DateLayout)
}

// MarshalJSON encodes the date as a JSON string.
func (d Date) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON decodes a JSON string holding a date, or a date-time whose
// date part is kept (servers that send "2026-11-25T00:00:00Z" for a date).
// JSON null leaves d unchanged.
func (d *Date) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	if len(s) > len(DateLayout) {
		s = s[:len(DateLayout)]
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return err
	}
	d.Time = t
	return nil
}
