package engine

import (
	"container/list"
	"sync"
	"sync/atomic"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/internal/replay"
)

// DefaultCacheSize is how many running workflows an engine keeps in memory
// between steps unless Options.CacheSize says otherwise.
const DefaultCacheSize = 4096

// cached is a running workflow kept in memory after a step: its state as
// stored at version, and the suspended execution of its function (nil when
// the step did not run it), so that the next step needs neither to read the
// state back nor to replay its history.
//
// The stored version is the check: a step decided on cached state is saved
// with a compare-and-set at version, which fails if anything else wrote the
// state since (a client's signal or cancel, another worker after a
// rebalance); the step is then decided again on the stored state. A step
// that would save nothing is decided again on the stored state too, since
// only a write can prove that the cached state was current.
type cached struct {
	id      string
	st      *history.State
	version int64
	exec    *replay.Execution
	elem    *list.Element
}

// close releases the execution's coroutines.
func (c *cached) close() {
	if c != nil && c.exec != nil {
		c.exec.Close()
		c.exec = nil
	}
}

// stateCache is a bounded LRU of cached workflows. An entry is taken out
// while a step uses it and put back after the step's write, so a workflow's
// cached state is never used by two steps at once.
type stateCache struct {
	max int

	mu  sync.Mutex
	m   map[string]*cached
	lru list.List // front: most recently used

	// hits, misses and evictions count takes that found an entry, takes
	// that did not, and entries evicted for room (CacheStats).
	hits, misses, evictions atomic.Uint64
}

// CacheStats are the state cache's counts since the engine started.
type CacheStats struct {
	// Hits and Misses count the steps that found their workflow in the
	// cache and those that read it from storage.
	Hits, Misses uint64
	// Evictions counts the workflows dropped to make room.
	Evictions uint64
	// Size is the number of workflows cached now.
	Size int
}

// CacheStats returns the state cache's counts (all zero with no cache).
func (e *Engine) CacheStats() CacheStats {
	c := e.cache
	if c == nil || c.max <= 0 {
		return CacheStats{}
	}
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load(), Size: c.len()}
}

func newStateCache(size int) *stateCache {
	return &stateCache{max: size, m: map[string]*cached{}}
}

// take removes and returns the workflow's entry, or nil.
func (c *stateCache) take(id string) *cached {
	if c == nil || c.max <= 0 {
		return nil
	}
	c.mu.Lock()
	e := c.m[id]
	if e != nil {
		delete(c.m, id)
		c.lru.Remove(e.elem)
		e.elem = nil
	}
	c.mu.Unlock()
	if e != nil {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return e
}

// put stores an entry, evicting the least recently used ones beyond the
// bound; an entry it replaces or evicts is closed.
func (c *stateCache) put(e *cached) {
	if c == nil || c.max <= 0 {
		e.close()
		return
	}
	var evicted []*cached
	c.mu.Lock()
	if old := c.m[e.id]; old != nil {
		c.lru.Remove(old.elem)
		evicted = append(evicted, old)
	}
	c.m[e.id] = e
	e.elem = c.lru.PushFront(e)
	for c.lru.Len() > c.max {
		last := c.lru.Back()
		old := last.Value.(*cached)
		c.lru.Remove(last)
		delete(c.m, old.id)
		evicted = append(evicted, old)
		c.evictions.Add(1)
	}
	c.mu.Unlock()
	for _, old := range evicted {
		old.close()
	}
}

// clear drops every entry.
func (c *stateCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	all := make([]*cached, 0, len(c.m))
	for _, e := range c.m {
		all = append(all, e)
	}
	c.m = map[string]*cached{}
	c.lru.Init()
	c.mu.Unlock()
	for _, e := range all {
		e.close()
	}
}

// len returns the number of cached workflows.
func (c *stateCache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
