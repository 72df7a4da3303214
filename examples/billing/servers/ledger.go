package servers

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// entry is one record of a ledger: the value created for an idempotency key,
// and the subject it is about (for example "cus_0001/2026-01"), which
// reveals duplicates: two keys for one subject mean the operation happened
// twice.
type entry[T any] struct {
	Key     string `json:"key"`
	Subject string `json:"subject"`
	Value   T      `json:"value"`
}

// ledger keeps what a server did, by idempotency key.
type ledger[T any] struct {
	mu       sync.Mutex
	byKey    map[string]entry[T]
	subjects map[string]int // subject → distinct keys
	order    []string       // keys in creation order
	journal  *journal[entry[T]]
	replays  atomic.Int64
}

// openLedger opens a ledger, replaying the journal at path ("" keeps it in
// memory).
func openLedger[T any](path string) (*ledger[T], error) {
	l := &ledger[T]{byKey: map[string]entry[T]{}, subjects: map[string]int{}}
	j, err := openJournal(path, l.add)
	if err != nil {
		return nil, err
	}
	l.journal = j
	return l, nil
}

func (l *ledger[T]) add(e entry[T]) {
	if _, ok := l.byKey[e.Key]; ok {
		return
	}
	l.byKey[e.Key] = e
	l.subjects[e.Subject]++
	l.order = append(l.order, e.Key)
}

// do returns the value recorded for key; a new key gets create(n) recorded,
// n being the 1-based sequence number of the record. created is false for a
// repeated key (a replay).
func (l *ledger[T]) do(key, subject string, create func(n int) T) (v T, created bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.byKey[key]; ok {
		l.replays.Add(1)
		return e.Value, false, nil
	}
	e := entry[T]{Key: key, Subject: subject, Value: create(len(l.byKey) + 1)}
	if err := l.journal.Append(e); err != nil {
		return v, false, fmt.Errorf("record %s: %w", key, err)
	}
	l.add(e)
	return e.Value, true, nil
}

// LedgerStats counts what a server did.
type LedgerStats struct {
	// Records is the number of distinct operations (idempotency keys).
	Records int
	// Duplicates counts operations done again for a subject already done
	// (same customer and month under another key): the double charges an
	// idempotency key prevents. It must be 0.
	Duplicates int
	// Replays counts requests that repeated a known key and were answered
	// with the original result, without acting again.
	Replays int64
}

func (l *ledger[T]) stats() LedgerStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := LedgerStats{Records: len(l.byKey), Replays: l.replays.Load()}
	for _, n := range l.subjects {
		s.Duplicates += n - 1
	}
	return s
}

// each calls fn for every record, in creation order.
func (l *ledger[T]) each(fn func(subject string, v T)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range l.order {
		e := l.byKey[k]
		fn(e.Subject, e.Value)
	}
}

// find returns the first record whose value matches.
func (l *ledger[T]) find(match func(T) bool) (T, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range l.order {
		if v := l.byKey[k].Value; match(v) {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func (l *ledger[T]) close() error { return l.journal.Close() }
