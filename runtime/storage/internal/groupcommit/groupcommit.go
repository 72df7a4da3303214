// Package groupcommit lets the writes that callers make concurrently be
// committed together: one round trip, one transaction and one flush of the
// server's log for many writes, instead of one each.
//
// There is no goroutine of its own and no waiting: the caller that finds no
// commit running becomes the leader and commits everything queued, its own
// write included; writers that arrive meanwhile queue up, and when the
// commit ends the leader hands leadership to the first of them, who commits
// the next batch. A lone writer thus commits at once, on its own goroutine,
// and a busy store commits in batches as large as the writes that arrived
// during one commit. (runtime/storage/embedded does the same for its file.)
package groupcommit

import (
	"slices"
	"sync"
)

// Queue commits items of type T in batches.
type Queue[T any] struct {
	// commit writes a batch and returns one error per item (nil: written).
	// It is called by one goroutine at a time.
	commit func(batch []T) []error
	max    int

	mu         sync.Mutex
	queue      []*waiter[T]
	committing bool
}

type waiter[T any] struct {
	item T
	done chan error    // the item's result
	lead chan struct{} // this writer is to commit the queue
}

// New returns a queue whose batches hold at most size items (at least 1).
func New[T any](size int, commit func(batch []T) []error) *Queue[T] {
	return &Queue[T]{commit: commit, max: max(size, 1)}
}

// Do queues item and returns its result once its batch is committed.
func (q *Queue[T]) Do(item T) error {
	w := &waiter[T]{item: item, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	q.mu.Lock()
	q.queue = append(q.queue, w)
	leader := !q.committing
	q.committing = true
	q.mu.Unlock()
	if !leader {
		select {
		case err := <-w.done:
			return err
		case <-w.lead:
		}
	}
	q.commitQueued()
	return <-w.done
}

// commitQueued commits the head of the queue (the leader is always in it)
// and passes leadership on.
func (q *Queue[T]) commitQueued() {
	q.mu.Lock()
	n := min(len(q.queue), q.max)
	batch := slices.Clone(q.queue[:n])
	q.queue = slices.Delete(q.queue, 0, n)
	q.mu.Unlock()

	items := make([]T, len(batch))
	for i, w := range batch {
		items[i] = w.item
	}
	errs := q.commit(items)
	for i, w := range batch {
		w.done <- errs[i]
	}

	q.mu.Lock()
	if len(q.queue) > 0 {
		q.queue[0].lead <- struct{}{}
	} else {
		q.committing = false
	}
	q.mu.Unlock()
}
