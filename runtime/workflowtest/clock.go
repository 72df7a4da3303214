package workflowtest

import (
	"container/heap"
	"sync"
	"time"
)

// virtualClock is wall time plus an offset that Env moves forward to skip
// waits. Callbacks scheduled with AfterFunc run when their due time is
// reached, by real time passing or by a skip, in due-time order.
type virtualClock struct {
	mu      sync.Mutex
	offset  time.Duration
	seq     int
	pending timerHeap
	timer   *time.Timer // wakes the clock at the earliest due time in real time
	// running counts the callbacks taken off pending and not yet returned:
	// a delayed message that is neither a timer any more nor published yet.
	running int
}

func newVirtualClock(start time.Time) *virtualClock {
	c := &virtualClock{}
	if !start.IsZero() {
		c.offset = time.Until(start)
	}
	return c
}

// Now is the virtual time.
func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *virtualClock) nowLocked() time.Time { return time.Now().Add(c.offset) }

// AfterFunc calls f once the virtual time reaches now + d.
func (c *virtualClock) AfterFunc(d time.Duration, f func()) {
	c.mu.Lock()
	c.seq++
	heap.Push(&c.pending, &entry{due: c.nowLocked().Add(d), seq: c.seq, f: f})
	c.armLocked()
	c.mu.Unlock()
}

// next returns the due time of the earliest callback.
func (c *virtualClock) next() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return time.Time{}, false
	}
	return c.pending[0].due, true
}

// advanceTo moves the virtual time forward to t (never back) and runs the
// callbacks due by then.
func (c *virtualClock) advanceTo(t time.Time) {
	c.mu.Lock()
	if d := t.Sub(c.nowLocked()); d > 0 {
		c.offset += d
	}
	c.mu.Unlock()
	c.fire()
}

// fire runs, in order, the callbacks that are due.
func (c *virtualClock) fire() {
	c.mu.Lock()
	now := c.nowLocked()
	var due []func()
	for len(c.pending) > 0 && !c.pending[0].due.After(now) {
		due = append(due, heap.Pop(&c.pending).(*entry).f)
	}
	c.running += len(due)
	c.armLocked()
	c.mu.Unlock()
	for _, f := range due {
		f()
		c.mu.Lock()
		c.running--
		c.mu.Unlock()
	}
}

// busy reports whether callbacks are running: the real-time timer may fire
// one in its own goroutine while the environment looks for activity.
func (c *virtualClock) busy() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.running > 0
}

// armLocked sets the real timer for the earliest callback; c.mu is held.
func (c *virtualClock) armLocked() {
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if len(c.pending) > 0 {
		c.timer = time.AfterFunc(c.pending[0].due.Sub(c.nowLocked()), c.fire)
	}
}

// stop drops the pending callbacks.
func (c *virtualClock) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending = nil
	if c.timer != nil {
		c.timer.Stop()
	}
}

type entry struct {
	due time.Time
	seq int
	f   func()
}

// timerHeap orders callbacks by due time, then by scheduling order.
type timerHeap []*entry

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)   { *h = append(*h, x.(*entry)) }
func (h *timerHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
