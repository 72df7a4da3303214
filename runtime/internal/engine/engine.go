package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/replay"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/transport"
)

// Options configure an Engine.
type Options struct {
	Transport transport.Transport
	Storage   storage.Storage
	Logger    *slog.Logger
	// MaxRedeliveries is how many times a message may fail before it is set
	// aside as a dead letter (default 10).
	MaxRedeliveries int
	// Now is the engine's clock: workflow.Now, timer due times, deadlines
	// (default time.Now; a test environment passes a virtual clock).
	Now func() time.Time
	// Observer is told about steps, task attempts and dead letters (metrics,
	// traces); nil costs nothing.
	Observer Observer
	// CacheSize is how many running workflows the engine keeps in memory
	// between steps, with their suspended executions, so that a step needs
	// neither to read the state back nor to replay the history (default
	// DefaultCacheSize; negative: none).
	CacheSize int
	// SegmentSize is how many stored batches or commands of a run's history
	// a step seals into a segment record of their own, so that the state
	// record it writes stays small (default DefaultSegmentSize; negative:
	// the whole history stays in the state record).
	SegmentSize int
	// LocalTasks makes a step run the tasks it issues to methods
	// registered on this engine itself, and save their results with the
	// step, instead of sending them through the transport, while the
	// service has a free slot and the method answers fast (see runLocal).
	LocalTasks bool
	// OutcomeEvents publishes the outcomes of workflow runs and tasks as
	// CloudEvents (see docs/events.md): off by default, as each costs a
	// message. Events a workflow emits (workflow.Emit) are published
	// either way.
	OutcomeEvents bool
}

// Engine runs workflow instances and service tasks.
type Engine struct {
	tr              transport.Transport
	store           storage.Storage
	log             *slog.Logger
	maxRedeliveries int
	clock           func() time.Time
	obs             Observer

	mu        sync.RWMutex
	workflows map[string]map[int]replay.Func
	services  map[string]*Service
	// schemas are the registered workflows' input schemas (SetInputSchema).
	schemas map[schemaKey]json.RawMessage
	// known caches the workflow names the registry holds (never removed).
	known map[string]bool

	cache         *stateCache
	segmentSize   int
	local         bool
	outcomeEvents bool
	// durable is the transport's Durable: when it is not, events are kept
	// in storage until handled (see eventqueue.go).
	durable bool
	// nudge wakes RunSchedules (see NudgeSchedules).
	nudge chan struct{}
	// running are the task attempts running in steps (see TasksInSteps).
	running inSteps
	// workersSeen caches the live workers' records for inspection (see
	// liveWorkers).
	workersSeen struct {
		mu   sync.Mutex
		at   time.Time
		list []WorkerInfo
	}
}

// Service is a registered service with its methods.
type Service struct {
	Name    string
	Methods map[string]*Method
	// Errors are the error types the service's failures are recorded with
	// (type name and payload), so that workflows knowing them decode them.
	Errors []failure.ErrorType
	// Concurrency bounds how many of the service's task attempts this
	// engine runs at once, from the transport and in steps together
	// (0: no bound).
	Concurrency int

	// slots holds a token per attempt running (see acquire).
	slots chan struct{}
}

// Method is a registered service method.
type Method struct {
	Handler func(ctx context.Context, input []byte) ([]byte, error)
	// Layers are the method's retry and timeout settings below the call's;
	// each task attempt resolves them with the call's options (see
	// retry.Layers.Resolve).
	Layers retry.Layers

	// took is a moving average of the method's attempt durations in
	// nanoseconds (see fast).
	took atomic.Int64
}

// New returns an engine.
func New(o Options) *Engine {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxRedeliveries <= 0 {
		o.MaxRedeliveries = 10
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CacheSize == 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.SegmentSize == 0 {
		o.SegmentSize = DefaultSegmentSize
	}
	return &Engine{
		tr: o.Transport, store: o.Storage, log: o.Logger, maxRedeliveries: o.MaxRedeliveries, clock: o.Now, obs: o.Observer,
		workflows: map[string]map[int]replay.Func{}, services: map[string]*Service{}, known: map[string]bool{},
		cache: newStateCache(o.CacheSize), segmentSize: o.SegmentSize, local: o.LocalTasks, outcomeEvents: o.OutcomeEvents,
		durable: o.Transport == nil || o.Transport.Durable(), nudge: make(chan struct{}, 1),
	}
}

// DropCache forgets the workflows kept in memory (see Options.CacheSize)
// and ends their suspended executions: a worker that stops calls it.
func (e *Engine) DropCache() { e.cache.clear() }

// CachedWorkflows returns how many workflows the engine keeps in memory.
func (e *Engine) CachedWorkflows() int { return e.cache.len() }

// now is the engine's current time, in UTC.
func (e *Engine) now() time.Time { return e.clock().UTC() }

// RegisterWorkflow adds a version of a workflow.
func (e *Engine) RegisterWorkflow(name string, version int, fn replay.Func) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	vs := e.workflows[name]
	if vs == nil {
		vs = map[int]replay.Func{}
		e.workflows[name] = vs
	}
	if _, dup := vs[version]; dup {
		return fmt.Errorf("workflow %q version %d is already registered", name, version)
	}
	vs[version] = fn
	return nil
}

// RegisterService adds a service.
func (e *Engine) RegisterService(s *Service) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, dup := e.services[s.Name]; dup {
		return fmt.Errorf("service %q is already registered", s.Name)
	}
	if s.Concurrency > 0 {
		s.slots = make(chan struct{}, s.Concurrency)
	}
	e.services[s.Name] = s
	return nil
}

// Workflows returns the registered workflow names, sorted.
func (e *Engine) Workflows() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	names := make([]string, 0, len(e.workflows))
	for n := range e.workflows {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Services returns the registered service names, sorted.
func (e *Engine) Services() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	names := make([]string, 0, len(e.services))
	for n := range e.services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// workflow returns the function of a version; version 0 asks for the newest.
func (e *Engine) workflow(name string, version int) (replay.Func, int, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	vs := e.workflows[name]
	if version == 0 {
		for v := range vs {
			if v > version {
				version = v
			}
		}
	}
	fn, ok := vs[version]
	return fn, version, ok
}

func (e *Engine) service(name string) *Service {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.services[name]
}
