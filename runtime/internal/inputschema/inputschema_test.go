package inputschema

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type base struct {
	Currency string `json:"currency"`
}

type invoice struct {
	base
	Customer string            `json:"customer"`
	Months   int               `json:"months,omitempty"`
	Amount   float64           `json:"amount"`
	Paid     bool              `json:"paid"`
	Due      time.Time         `json:"due"`
	Lines    []line            `json:"lines"`
	Meta     map[string]string `json:"meta,omitempty"`
	Note     *string           `json:"note"`
	Raw      json.RawMessage   `json:"raw,omitempty"`
	Skip     string            `json:"-"`
	hidden   int
	Next     *invoice `json:"next,omitempty"`
}

type line struct {
	SKU string
	Qty uint8 `json:"qty"`
}

// TestSchemaOfAStruct maps every kind encoding/json encodes, with its
// names, required fields, order, embedded fields and a recursive type.
func TestSchemaOfAStruct(t *testing.T) {
	t.Parallel()
	got, err := json.Marshal(For(reflect.TypeFor[invoice]()))
	require.NoError(t, err)
	require.JSONEq(t, `{"type":"object",
		"properties":{
			"currency":{"type":"string"},
			"customer":{"type":"string"},
			"months":{"type":"integer"},
			"amount":{"type":"number"},
			"paid":{"type":"boolean"},
			"due":{"type":"string","format":"date-time"},
			"lines":{"type":"array","items":{"type":"object","properties":{"SKU":{"type":"string"},"qty":{"type":"integer"}},"required":["SKU","qty"],"x-order":["SKU","qty"]}},
			"meta":{"type":"object","additionalProperties":{"type":"string"}},
			"note":{"type":"string","x-nullable":true},
			"raw":{},
			"next":{"type":"object","x-nullable":true}},
		"required":["currency","customer","amount","paid","due","lines"],
		"x-order":["currency","customer","months","amount","paid","due","lines","meta","note","raw","next"]}`, string(got))
	require.JSONEq(t, `{"type":"integer"}`, string(JSON(reflect.TypeFor[int]())))
	require.JSONEq(t, `{"type":"string","format":"byte"}`, string(JSON(reflect.TypeFor[[]byte]())))
	require.JSONEq(t, `{"type":"object"}`, string(JSON(reflect.TypeFor[struct{}]())))
}
