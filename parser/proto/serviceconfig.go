package proto

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/infgen/infgen/ir"
)

// ApplyServiceConfig reads a gRPC service config file (the JSON document of
// gRPC's service_config.md, as given to grpc.WithDefaultServiceConfig) and
// gives the methods it names their task timeout and retry policy:
//
//	{"methodConfig": [{
//	  "name": [{"service": "billing.v1.Payments", "method": "Charge"}],
//	  "timeout": "5s",
//	  "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.2s", "maxBackoff": "10s", "backoffMultiplier": 2}
//	}]}
//
// As in gRPC, a name with a method applies to that method, a name with only
// a service to its other methods, and an empty name to every other method.
// The timeout bounds each attempt; maxAttempts counts the first. Which
// status codes are retried stays infgen's (UNAVAILABLE, RESOURCE_EXHAUSTED,
// ABORTED, DEADLINE_EXCEEDED): retryableStatusCodes and hedgingPolicy are
// reported as warnings and not used. Problems name file:line:col.
func ApplyServiceConfig(spec *ir.Spec, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read gRPC service config: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return &Error{Pos: ir.Pos{File: path, Line: 1, Col: 1}, Err: fmt.Errorf("gRPC service config is not JSON: %w", err)}
	}
	r := &configReader{file: path}
	configs, err := r.methodConfigs(&doc)
	if err != nil {
		return err
	}
	spec.Warnings = append(spec.Warnings, r.warnings...)
	matched := make([]bool, len(configs))
	for si := range spec.Services {
		for mi := range spec.Services[si].Methods {
			m := &spec.Services[si].Methods[mi]
			if m.GRPC == nil {
				continue
			}
			service, method, _ := strings.Cut(strings.TrimPrefix(m.GRPC.FullMethod, "/"), "/")
			if i := bestConfig(configs, service, method); i >= 0 {
				matched[i] = true
				m.Timeout, m.Retry = configs[i].timeout, configs[i].retry
			}
		}
	}
	for i, c := range configs {
		if !matched[i] && c.service != "" {
			spec.Warnings = append(spec.Warnings, ir.Warning{Pos: c.pos,
				Message: fmt.Sprintf("methodConfig name %s matches no method of the generated services", c.name())})
		}
	}
	spec.Warnings = ir.SortWarnings(spec.Warnings)
	return nil
}

// methodConfig is one name of a methodConfig entry with the entry's settings.
type methodConfig struct {
	service, method string
	pos             ir.Pos
	timeout         time.Duration
	retry           *ir.RetryPolicy
}

func (c methodConfig) name() string {
	if c.method == "" {
		return c.service
	}
	return c.service + "/" + c.method
}

// bestConfig returns the index of the most specific config for a method:
// service and method, then service, then the empty name; -1 if none.
func bestConfig(cs []methodConfig, service, method string) int {
	best, rank := -1, 0
	for i, c := range cs {
		r := 0
		switch {
		case c.service == service && c.method == method:
			r = 3
		case c.service == service && c.method == "":
			r = 2
		case c.service == "" && c.method == "":
			r = 1
		}
		if r > rank {
			best, rank = i, r
		}
	}
	return best
}

// configReader walks the document, collecting warnings.
type configReader struct {
	file     string
	warnings []ir.Warning
}

// pos is the position of n in the config file.
func (r *configReader) pos(n *yaml.Node) ir.Pos {
	return ir.Pos{File: r.file, Line: n.Line, Col: n.Column}
}

// errorf is a positioned error at n.
func (r *configReader) errorf(n *yaml.Node, format string, args ...any) error {
	return &Error{Pos: r.pos(n), Err: fmt.Errorf(format, args...)}
}

// warn records a positioned warning at n.
func (r *configReader) warn(n *yaml.Node, msg string) {
	r.warnings = append(r.warnings, ir.Warning{Pos: r.pos(n), Message: msg})
}

// methodConfigs reads the methodConfig list.
func (r *configReader) methodConfigs(doc *yaml.Node) ([]methodConfig, error) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, r.errorf(doc, "a gRPC service config is a JSON object with a methodConfig list")
	}
	list := field(doc.Content[0], "methodConfig")
	if list == nil {
		return nil, r.errorf(doc.Content[0], `no "methodConfig" list: nothing to apply`)
	}
	if list.Kind != yaml.SequenceNode {
		return nil, r.errorf(list, `"methodConfig" must be a list`)
	}
	var out []methodConfig
	for _, entry := range list.Content {
		cs, err := r.entry(entry)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// entry reads one methodConfig entry: its settings, once per name.
func (r *configReader) entry(n *yaml.Node) ([]methodConfig, error) {
	if n.Kind != yaml.MappingNode {
		return nil, r.errorf(n, "a methodConfig entry must be an object")
	}
	var base methodConfig
	if t := field(n, "timeout"); t != nil {
		d, err := r.duration(t)
		if err != nil {
			return nil, err
		}
		base.timeout = d
	}
	if rp := field(n, "retryPolicy"); rp != nil {
		p, err := r.retryPolicy(rp)
		if err != nil {
			return nil, err
		}
		base.retry = p
	}
	if h := field(n, "hedgingPolicy"); h != nil {
		r.warn(h, "hedgingPolicy is not used: a task runs one attempt at a time")
	}
	names := field(n, "name")
	if names == nil || names.Kind != yaml.SequenceNode || len(names.Content) == 0 {
		return nil, r.errorf(n, `a methodConfig entry needs a "name" list ([{"service": "pkg.Service", "method": "Method"}], or [{}] for every method)`)
	}
	var out []methodConfig
	for _, nm := range names.Content {
		if nm.Kind != yaml.MappingNode {
			return nil, r.errorf(nm, `a name is an object: {"service": "pkg.Service", "method": "Method"}`)
		}
		c := base
		c.pos = r.pos(nm)
		if s := field(nm, "service"); s != nil {
			c.service = s.Value
		}
		if m := field(nm, "method"); m != nil {
			c.method = m.Value
		}
		if c.service == "" && c.method != "" {
			return nil, r.errorf(nm, "the name has a method (%q) but no service", c.method)
		}
		out = append(out, c)
	}
	return out, nil
}

// retryPolicy reads a retryPolicy object.
func (r *configReader) retryPolicy(n *yaml.Node) (*ir.RetryPolicy, error) {
	if n.Kind != yaml.MappingNode {
		return nil, r.errorf(n, "retryPolicy must be an object")
	}
	p := &ir.RetryPolicy{}
	if v := field(n, "maxAttempts"); v != nil {
		a, err := strconv.Atoi(v.Value)
		if err != nil || a < 1 {
			return nil, r.errorf(v, "maxAttempts %q: want a whole number of at least 1 (the first attempt counts)", v.Value)
		}
		p.MaxAttempts = a
	}
	var err error
	if v := field(n, "initialBackoff"); v != nil {
		if p.Initial, err = r.duration(v); err != nil {
			return nil, err
		}
	}
	if v := field(n, "maxBackoff"); v != nil {
		if p.Max, err = r.duration(v); err != nil {
			return nil, err
		}
	}
	if v := field(n, "backoffMultiplier"); v != nil {
		m, err := strconv.ParseFloat(v.Value, 64)
		if err != nil || !(m >= 1) || math.IsInf(m, 0) { // !(m >= 1) also rejects NaN
			return nil, r.errorf(v, "backoffMultiplier %q: want a number of at least 1", v.Value)
		}
		p.Multiplier = m
	}
	if v := field(n, "retryableStatusCodes"); v != nil {
		r.warn(v, "retryableStatusCodes is not used: infgen retries UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED and DEADLINE_EXCEEDED, and honours google.rpc.RetryInfo")
	}
	return p, nil
}

// duration reads a protobuf JSON duration: seconds with an "s" suffix.
func (r *configReader) duration(n *yaml.Node) (time.Duration, error) {
	s, ok := strings.CutSuffix(n.Value, "s")
	secs, err := strconv.ParseFloat(s, 64)
	if !ok || err != nil || !(secs > 0) || secs > math.MaxInt64/float64(time.Second) { // !(secs > 0) also rejects NaN
		return 0, r.errorf(n, "duration %q: want positive seconds with an s suffix, like \"1.5s\"", n.Value)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// field returns the value of key in a mapping node, or nil.
func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
