package webhook

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// workflowID resolves the route's pointer in the payload.
func (rt Route) workflowID(body []byte) (string, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return "", err
	}
	if rt.Pointer != "" && !strings.HasPrefix(rt.Pointer, "/") {
		return "", fmt.Errorf("JSON pointer %q does not start with /", rt.Pointer)
	}
	for _, tok := range strings.Split(rt.Pointer, "/")[1:] {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return "", fmt.Errorf("%s: no element %s", rt.Pointer, tok)
			}
			v = x[i]
		default:
			return "", fmt.Errorf("%s: nothing at %s", rt.Pointer, tok)
		}
	}
	switch x := v.(type) {
	case string:
		if x != "" {
			return rt.Prefix + x, nil
		}
	case float64:
		return rt.Prefix + strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("%s is not a non-empty string or a number", rt.Pointer)
}
