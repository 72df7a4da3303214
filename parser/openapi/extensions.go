package openapi

import (
	"fmt"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/infgen/infgen/ir"
)

// Extensions infgen reads on an operation, or on the document root as the
// default of every operation.
const (
	// TimeoutExtension bounds one attempt of the task: a Go duration ("30s").
	TimeoutExtension = "x-infgen-timeout"
	// RetryExtension overrides the worker's retry policy: an object with
	// maxAttempts, initial, multiplier, max and jitter (durations as Go
	// duration strings).
	RetryExtension = "x-infgen-retry"
)

// extension returns the operation's value of an extension, or the
// document's.
func (c *converter) extension(op *openapi3.Operation, name string) (any, bool) {
	if v, ok := op.Extensions[name]; ok {
		return v, true
	}
	v, ok := c.doc.Extensions[name]
	return v, ok
}

// taskOptions reads x-infgen-timeout and x-infgen-retry into m; malformed
// values are reported as warnings and ignored.
func (c *converter) taskOptions(o *operation, m *ir.Method) {
	if v, ok := c.extension(o.op, TimeoutExtension); ok {
		d, err := duration(v)
		if err != nil || d < 0 {
			c.warn(o.pos, fmt.Sprintf("%s: want a duration such as \"30s\", got %v; ignored", TimeoutExtension, v))
		} else {
			m.Timeout = d
		}
	}
	v, ok := c.extension(o.op, RetryExtension)
	if !ok {
		return
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		c.warn(o.pos, RetryExtension+": want an object with maxAttempts, initial, multiplier, max, jitter; ignored")
		return
	}
	p := &ir.RetryPolicy{}
	for _, key := range sortedKeys(obj) {
		var err error
		switch val := obj[key]; key {
		case "maxAttempts":
			var f float64
			f, err = number(val)
			p.MaxAttempts = int(f)
		case "initial":
			p.Initial, err = duration(val)
		case "max":
			p.Max, err = duration(val)
		case "multiplier":
			p.Multiplier, err = number(val)
		case "jitter":
			p.Jitter, err = number(val)
		default:
			err = fmt.Errorf("unknown field")
		}
		if err != nil {
			c.warn(o.pos, fmt.Sprintf("%s.%s: %v; ignored", RetryExtension, key, err))
		}
	}
	m.Retry = p
}

// duration parses a Go duration string.
func duration(v any) (time.Duration, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("want a duration string such as \"2s\", got %v", v)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("want a duration such as \"2s\": %w", err)
	}
	return d, nil
}

// number reads a JSON number.
func number(v any) (float64, error) {
	switch n := v.(type) {
	case float64:
		return n, nil
	case int:
		return float64(n), nil
	case int64:
		return float64(n), nil
	}
	return 0, fmt.Errorf("want a number, got %v", v)
}
