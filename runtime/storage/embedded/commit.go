package embedded

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// write is one change waiting for the committer. fn applies it inside a
// transaction and records its own outcome (conflict, not found) in variables
// it closes over; it returns an error only when the transaction must be
// aborted. fn may run more than once, each time in a fresh transaction.
type write struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// update hands fn to the committer and waits until it is durable. The caller
// holds s.mu for reading, so the committer is running.
func (s *Store) update(fn func(*bolt.Tx) error) error {
	w := &write{fn: fn, done: make(chan error, 1)}
	s.writes <- w
	return <-w.done
}

// commitLoop is the single writer: it takes every write that is waiting,
// applies them in one transaction and commits (one fsync) before answering.
// While it commits, new writes queue up and form the next batch, so a lone
// writer pays one fsync and many writers share one.
func (s *Store) commitLoop() {
	defer close(s.done)
	batch := make([]*write, 0, s.maxBatch)
	for {
		select {
		case w := <-s.writes:
			batch = append(batch[:0], w)
		case <-s.stop:
			return
		}
	collect:
		for len(batch) < s.maxBatch {
			select {
			case w := <-s.writes:
				batch = append(batch, w)
			default:
				break collect
			}
		}
		s.commit(batch)
	}
}

// commit applies a batch in one transaction. If the transaction fails, each
// write is retried alone so that one bad write cannot fail the others.
func (s *Store) commit(batch []*write) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, w := range batch {
			if err := w.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(batch) == 1 {
		for _, w := range batch {
			w.done <- wrapCommit(err)
		}
		return
	}
	for _, w := range batch {
		w.done <- wrapCommit(s.db.Update(w.fn))
	}
}

func wrapCommit(err error) error {
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
