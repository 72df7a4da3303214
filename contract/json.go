package contract

import (
	"encoding/json"
	"fmt"
)

// jsonOf encodes a decoded YAML value as JSON, turning the maps with
// non-string keys YAML allows into string-keyed ones.
func jsonOf(v any) ([]byte, error) {
	return json.Marshal(stringKeys(v))
}

func stringKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = stringKeys(e)
		}
		return v
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[fmt.Sprint(k)] = stringKeys(e)
		}
		return m
	case []any:
		for i, e := range v {
			v[i] = stringKeys(e)
		}
		return v
	}
	return v
}
