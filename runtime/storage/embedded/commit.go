package embedded

import (
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// write is one change waiting to be committed. fn applies it inside a
// transaction and records its own outcome (conflict, not found) in variables
// it closes over; it returns an error only when the transaction must be
// aborted. fn may run more than once, each time in a fresh transaction.
type write struct {
	fn   func(*bolt.Tx) error
	done chan error    // the commit's result
	lead chan struct{} // this writer is to commit the queue
}

// update queues fn and returns once it is durable. The caller holds s.mu for
// reading.
//
// Group commit without a goroutine of its own: the writer that finds no
// commit running becomes the leader and commits everything queued, itself
// included, in one transaction (one fsync); writers arriving meanwhile queue
// up, and when the commit ends the leader hands leadership to the first of
// them, who commits the next batch. A lone writer thus commits on its own
// goroutine with no hand-off, and no writer leads more than one batch.
func (s *Store) update(fn func(*bolt.Tx) error) error {
	w := &write{fn: fn, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	s.qmu.Lock()
	s.queue = append(s.queue, w)
	leader := !s.committing
	s.committing = true
	s.qmu.Unlock()
	if !leader {
		select {
		case err := <-w.done:
			return err
		case <-w.lead:
		}
	}
	s.commitQueued()
	return <-w.done
}

// commitQueued commits the head of the queue (at most maxBatch writes; the
// leader is always among them) and passes leadership on.
func (s *Store) commitQueued() {
	s.qmu.Lock()
	n := min(len(s.queue), s.maxBatch)
	batch := slices.Clone(s.queue[:n])
	s.queue = slices.Delete(s.queue, 0, n)
	s.qmu.Unlock()

	s.commit(batch)

	s.qmu.Lock()
	if len(s.queue) > 0 {
		s.queue[0].lead <- struct{}{}
	} else {
		s.committing = false
	}
	s.qmu.Unlock()
}

// commit applies a batch in one transaction. If the transaction fails, each
// write is retried alone so that one bad write cannot fail the others.
func (s *Store) commit(batch []*write) {
	err := s.guard(func() error {
		return s.db.Update(func(tx *bolt.Tx) error {
			for _, w := range batch {
				if err := w.fn(tx); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err == nil || len(batch) == 1 || errors.Is(err, ErrDamaged) {
		for _, w := range batch {
			w.done <- wrapCommit(err)
		}
		return
	}
	for _, w := range batch {
		w.done <- wrapCommit(s.guard(func() error { return s.db.Update(w.fn) }))
	}
}

func wrapCommit(err error) error {
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
