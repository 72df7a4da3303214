package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/storage"
)

// The worker registry: each worker records in storage what it serves, where
// it runs and when it was last seen. Clients read it to refuse a workflow
// name that no worker has ever registered on the store (a typo would
// otherwise wait forever) and to say when none of the workers that serve a
// name is alive.

// TagWorkers holds the keys of the worker records.
const TagWorkers = "infgen:workers"

// WorkerKey is the storage key of a worker's record.
func WorkerKey(id string) string { return "worker/" + id }

// WorkerInfo is a worker's record in the registry.
type WorkerInfo struct {
	ID      string `json:"id"`
	Host    string `json:"host"`
	PID     int    `json:"pid"`
	Version string `json:"version"`
	// Admin is the address of the worker's admin API ("" when it has none).
	Admin     string         `json:"admin,omitempty"`
	Workflows []WorkflowInfo `json:"workflows,omitempty"`
	Services  []ServiceInfo  `json:"services,omitempty"`
	Started   time.Time      `json:"started"`
	LastSeen  time.Time      `json:"lastSeen"`
	// Heartbeat is how often the worker refreshes LastSeen.
	Heartbeat time.Duration `json:"heartbeat"`
	// Stopped is set when the worker stopped cleanly.
	Stopped bool `json:"stopped,omitempty"`
	// InSteps are the task attempts that had been running inside workflow
	// steps for a second or more at the last heartbeat (at most 100, the
	// oldest): their workflows' histories record them only when the step
	// is saved.
	InSteps []TaskInStep `json:"inSteps,omitempty"`
}

// WorkflowInfo is a workflow a worker serves.
type WorkflowInfo struct {
	Name     string `json:"name"`
	Versions []int  `json:"versions"`
	// InputSchema is the JSON Schema of the newest version's input,
	// derived from its Go type (absent when unknown).
	InputSchema json.RawMessage `json:"inputSchema,omitempty"`
}

// ServiceInfo is a service a worker serves.
type ServiceInfo struct {
	Name    string   `json:"name"`
	Methods []string `json:"methods"`
}

// Live reports whether the worker was seen within three heartbeats.
func (w *WorkerInfo) Live(now time.Time) bool {
	return !w.Stopped && now.Sub(w.LastSeen) <= 3*w.Heartbeat
}

// Serves reports whether the worker serves the workflow name.
func (w *WorkerInfo) Serves(workflow string) bool {
	return slices.ContainsFunc(w.Workflows, func(wf WorkflowInfo) bool { return wf.Name == workflow })
}

// ErrUnknownWorkflow is matched (errors.Is) by an *UnknownWorkflowError.
var ErrUnknownWorkflow = errors.New("unknown workflow")

// UnknownWorkflowError reports a workflow name that no worker has ever
// registered on the store.
type UnknownWorkflowError struct {
	Name string
	// Suggestions are the registered names closest to Name.
	Suggestions []string
	// Known is how many workflow names are registered.
	Known int
}

func (e *UnknownWorkflowError) Error() string {
	switch {
	case len(e.Suggestions) > 0:
		return fmt.Sprintf("unknown workflow %q — did you mean %s?", e.Name, quoteOr(e.Suggestions))
	case e.Known == 0:
		return fmt.Sprintf("unknown workflow %q: no worker has registered a workflow on this store yet", e.Name)
	}
	return fmt.Sprintf("unknown workflow %q: no worker on this store has registered it", e.Name)
}

// Is makes errors.Is(err, ErrUnknownWorkflow) true.
func (e *UnknownWorkflowError) Is(target error) bool { return target == ErrUnknownWorkflow }

// Announce writes (or refreshes) a worker's record.
func (e *Engine) Announce(ctx context.Context, w *WorkerInfo) error {
	data, err := json.Marshal(w)
	if err != nil {
		return err
	}
	key := WorkerKey(w.ID)
	for i := 0; ; i++ {
		var version int64
		rec, err := e.store.Get(ctx, &storage.GetParams{ID: key})
		switch {
		case err == nil:
			version = rec.Version
		case !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("worker registry: %w", err)
		}
		_, err = e.store.Put(ctx, &storage.PutParams{ID: key, Data: data, Version: version, AddTags: []string{TagWorkers}})
		if errors.Is(err, storage.ErrConflict) && i < 10 {
			continue
		}
		if err != nil {
			return fmt.Errorf("worker registry: %w", err)
		}
		e.remember(w)
		return nil
	}
}

// Workers returns the registry, in worker id order.
func (e *Engine) Workers(ctx context.Context) ([]WorkerInfo, error) {
	var out []WorkerInfo
	after := ""
	for {
		keys, err := e.store.ListTag(ctx, &storage.ListTagParams{Tag: TagWorkers, After: after, Limit: 500})
		if err != nil {
			return nil, fmt.Errorf("worker registry: %w", err)
		}
		for _, key := range keys {
			rec, err := e.store.Get(ctx, &storage.GetParams{ID: key})
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("worker registry: %w", err)
			}
			var w WorkerInfo
			if err := json.Unmarshal(rec.Data, &w); err != nil {
				return nil, fmt.Errorf("worker registry: record %s is corrupt: %w", key, err)
			}
			out = append(out, w)
			e.remember(&w)
		}
		if len(keys) < 500 {
			return out, nil
		}
		after = keys[len(keys)-1]
	}
}

// remember adds a worker's workflow names and service methods to the
// known ones.
func (e *Engine) remember(w *WorkerInfo) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, wf := range w.Workflows {
		e.known[wf.Name] = true
	}
	for _, s := range w.Services {
		for _, m := range s.Methods {
			e.known[methodKey(s.Name, m)] = true
		}
	}
}

// methodKey is the key of a service method among the known names; it
// cannot collide with a workflow name.
func methodKey(service, method string) string { return "method " + service + "." + method }

// CheckWorkflow returns an *UnknownWorkflowError unless a worker has
// registered the workflow name on this store (or on this engine). Known
// names are cached: a name, once registered, stays known.
func (e *Engine) CheckWorkflow(ctx context.Context, name string) error {
	if e.isKnown(name) {
		return nil
	}
	if _, err := e.Workers(ctx); err != nil {
		return err
	}
	if e.isKnown(name) {
		return nil
	}
	e.mu.RLock()
	names := make([]string, 0, len(e.known))
	for n := range e.known {
		if !strings.HasPrefix(n, "method ") {
			names = append(names, n)
		}
	}
	for n := range e.workflows {
		if !e.known[n] {
			names = append(names, n)
		}
	}
	e.mu.RUnlock()
	return &UnknownWorkflowError{Name: name, Suggestions: closest(name, names), Known: len(names)}
}

// CheckMethod returns an *UnknownMethodError unless a worker has registered
// the service method on this store (or on this engine).
func (e *Engine) CheckMethod(ctx context.Context, service, method string) error {
	if e.isMethodKnown(service, method) {
		return nil
	}
	if _, err := e.Workers(ctx); err != nil {
		return err
	}
	if e.isMethodKnown(service, method) {
		return nil
	}
	e.mu.RLock()
	var names []string
	for k := range e.known {
		if m, ok := strings.CutPrefix(k, "method "); ok {
			names = append(names, m)
		}
	}
	for _, s := range e.services {
		for m := range s.Methods {
			names = append(names, s.Name+"."+m)
		}
	}
	e.mu.RUnlock()
	full := service + "." + method
	return &UnknownMethodError{Name: full, Suggestions: closest(full, names)}
}

func (e *Engine) isMethodKnown(service, method string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if s := e.services[service]; s != nil && s.Methods[method] != nil {
		return true
	}
	return e.known[methodKey(service, method)]
}

// UnknownMethodError reports a task for a service method that no worker
// has ever registered on the store.
type UnknownMethodError struct {
	// Name is "service.method".
	Name        string
	Suggestions []string
}

func (e *UnknownMethodError) Error() string {
	if len(e.Suggestions) > 0 {
		return fmt.Sprintf("unknown service method %q — did you mean %s?", e.Name, quoteOr(e.Suggestions))
	}
	return fmt.Sprintf("unknown service method %q: no worker on this store has registered it", e.Name)
}

func quoteOr(names []string) string {
	q := make([]string, len(names))
	for i, s := range names {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, " or ")
}

func (e *Engine) isKnown(name string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	_, local := e.workflows[name]
	return local || e.known[name]
}

// Registrations describes what this engine serves, for its worker's record.
func (e *Engine) Registrations() ([]WorkflowInfo, []ServiceInfo) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var wfs []WorkflowInfo
	for name, vs := range e.workflows {
		info := WorkflowInfo{Name: name}
		for v := range vs {
			info.Versions = append(info.Versions, v)
		}
		sort.Ints(info.Versions)
		info.InputSchema = e.schemas[schemaKey{name, info.Versions[len(info.Versions)-1]}]
		wfs = append(wfs, info)
	}
	sort.Slice(wfs, func(i, j int) bool { return wfs[i].Name < wfs[j].Name })
	var svcs []ServiceInfo
	for name, s := range e.services {
		info := ServiceInfo{Name: name}
		for m := range s.Methods {
			info.Methods = append(info.Methods, m)
		}
		sort.Strings(info.Methods)
		svcs = append(svcs, info)
	}
	sort.Slice(svcs, func(i, j int) bool { return svcs[i].Name < svcs[j].Name })
	return wfs, svcs
}

// schemaKey names a registered workflow version.
type schemaKey struct {
	name    string
	version int
}

// SetInputSchema records the JSON Schema of a registered workflow
// version's input, which the worker registry shows.
func (e *Engine) SetInputSchema(name string, version int, schema json.RawMessage) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.schemas == nil {
		e.schemas = map[schemaKey]json.RawMessage{}
	}
	e.schemas[schemaKey{name, version}] = schema
}

// NewWorkerInfo returns the record of a worker of this process serving
// what e has registered.
func (e *Engine) NewWorkerInfo(heartbeat time.Duration) *WorkerInfo {
	host, _ := os.Hostname()
	wfs, svcs := e.Registrations()
	now := e.now()
	return &WorkerInfo{ID: NewID()[:16], Host: host, PID: os.Getpid(), Version: ModuleVersion(),
		Workflows: wfs, Services: svcs, Started: now, LastSeen: now, Heartbeat: heartbeat}
}

// ModuleVersion is the version of the infgen module this binary was built
// with ("devel" in its own repository).
func ModuleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if bi.Main.Path == "github.com/infgen/infgen" {
		return versionOr(bi.Main.Version)
	}
	for _, d := range bi.Deps {
		if d.Path == "github.com/infgen/infgen" {
			return versionOr(d.Version)
		}
	}
	return "devel"
}

func versionOr(v string) string {
	if v == "" || v == "(devel)" {
		return "devel"
	}
	return v
}

// closest returns up to three names within a small edit distance of name,
// nearest first.
func closest(name string, names []string) []string {
	type cand struct {
		name string
		d    int
	}
	limit := max(2, len(name)/6) // a typo or two, more in a long name
	var cs []cand
	sort.Strings(names)
	names = slices.Compact(names)
	for _, n := range names {
		d := distance(strings.ToLower(name), strings.ToLower(n))
		if d <= limit || strings.Contains(strings.ToLower(n), strings.ToLower(name)) {
			cs = append(cs, cand{n, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].name < cs[j].name
	})
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// distance is the Levenshtein distance between a and b (in bytes).
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
