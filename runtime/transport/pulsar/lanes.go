package pulsar

import (
	"context"
	"time"

	pc "github.com/apache/pulsar-client-go/pulsar"
)

// keyLane handles, one at a time, the messages of the keys that hash to it.
//
// A failed message holds back its key, as in the memory transport: it is
// tried again after the subscription's NackDelay, with Redeliveries one
// higher, and the later messages of its key wait behind it, in order, while
// the lane goes on with other keys. A broker Nack would instead let later
// messages of the key overtake it, and the workflow engine relies on a
// key's messages being handled in order. The held messages stay
// unacknowledged: if the process dies, the broker redelivers them, in order,
// to the consumer that takes over the key.
type keyLane struct {
	s    *subscription
	in   <-chan pc.Message
	held map[string]*heldKey
}

// heldKey is a key whose oldest message failed.
type heldKey struct {
	failed pc.Message
	tries  int       // local attempts of failed so far
	due    time.Time // when to try failed again
	queue  []pc.Message
}

// run handles the lane's messages until ctx is canceled or in is closed.
func (l *keyLane) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		var retry <-chan time.Time
		if due, ok := l.nextDue(); ok {
			timer.Reset(time.Until(due))
			retry = timer.C
		}
		select {
		case m, ok := <-l.in:
			if !ok {
				return
			}
			if ctx.Err() != nil {
				return // closing: unacknowledged messages go back to the broker
			}
			if h := l.held[m.Key()]; h != nil {
				h.queue = append(h.queue, m)
				continue
			}
			l.process(ctx, m.Key(), []pc.Message{m}, 0)
		case <-retry:
			if ctx.Err() != nil {
				return
			}
			now := time.Now()
			for key, h := range l.held {
				if !h.due.After(now) {
					delete(l.held, key)
					l.process(ctx, key, append([]pc.Message{h.failed}, h.queue...), h.tries)
				}
			}
		case <-ctx.Done():
			return
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// process handles a key's pending messages in order; the first was already
// tried tries times here. On a failure the key is held with the rest. When
// the subscription closes, the rest stays unacknowledged for the broker.
func (l *keyLane) process(ctx context.Context, key string, pending []pc.Message, tries int) {
	for i, m := range pending {
		if ctx.Err() != nil {
			return
		}
		local := 0
		if i == 0 {
			local = tries
		}
		if err := l.s.attempt(m, local); err != nil {
			l.held[key] = &heldKey{
				failed: m, tries: local + 1, due: time.Now().Add(l.s.nackDelay),
				queue: append([]pc.Message(nil), pending[i+1:]...),
			}
			return
		}
	}
}

// nextDue returns the earliest retry time of the held keys.
func (l *keyLane) nextDue() (time.Time, bool) {
	var first time.Time
	for _, h := range l.held {
		if first.IsZero() || h.due.Before(first) {
			first = h.due
		}
	}
	return first, !first.IsZero()
}
