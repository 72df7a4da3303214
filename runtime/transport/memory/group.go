package memory

import (
	"sync"

	"github.com/infgen/infgen/runtime/transport"
)

// group is one subscription of a topic: a queue shared by every consumer
// that subscribed under the same name. In KeyShared mode a key is locked
// while one of its messages is being handled, so that a key's messages are
// handled one at a time and in order.
type group struct {
	mode transport.Mode
	// ephemeral is set for a subscription that vanishes when closed (set
	// under Transport.mu).
	ephemeral bool

	mu        sync.Mutex
	cond      *sync.Cond
	ready     []string // keys with a message to hand out, FIFO
	keys      map[string]*keyQueue
	shared    []*transport.Delivery // Shared mode queue
	consumers int
	closed    bool
	handling  int // deliveries handed out and not yet acknowledged or put back
	nacked    int // deliveries waiting for their redelivery delay
}

type keyQueue struct {
	msgs   []*transport.Delivery
	locked bool // a message of this key is being handled or waiting for redelivery
	queued bool // the key is in group.ready
}

func newGroup(mode transport.Mode) *group {
	g := &group{mode: mode, keys: map[string]*keyQueue{}}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// push appends a delivery.
func (g *group) push(d *transport.Delivery) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return
	}
	if g.mode != transport.KeyShared {
		g.shared = append(g.shared, d)
		g.cond.Signal()
		return
	}
	q := g.keys[d.Key]
	if q == nil {
		q = &keyQueue{}
		g.keys[d.Key] = q
	}
	q.msgs = append(q.msgs, d)
	g.markReady(d.Key, q)
}

// markReady queues the key if it has messages and is free; g.mu is held.
func (g *group) markReady(key string, q *keyQueue) {
	if !q.locked && !q.queued && len(q.msgs) > 0 {
		q.queued = true
		g.ready = append(g.ready, key)
		g.cond.Signal()
	}
}

// next blocks until a delivery is available or stop is closed; it returns nil
// when the consumer must stop.
func (g *group) next(stop <-chan struct{}) *transport.Delivery {
	g.mu.Lock()
	defer g.mu.Unlock()
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		if g.closed {
			return nil
		}
		if g.mode != transport.KeyShared {
			if len(g.shared) > 0 {
				d := g.shared[0]
				g.shared[0] = nil
				g.shared = g.shared[1:]
				g.handling++
				return d
			}
		} else if len(g.ready) > 0 {
			key := g.ready[0]
			g.ready = g.ready[1:]
			q := g.keys[key]
			q.queued = false
			d := q.msgs[0]
			q.msgs[0] = nil
			q.msgs = q.msgs[1:]
			q.locked = true
			g.handling++
			return d
		}
		g.cond.Wait()
	}
}

// done releases the key of a handled (acknowledged) delivery.
func (g *group) done(d *transport.Delivery) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.handling--
	if g.mode != transport.KeyShared {
		return
	}
	q := g.keys[d.Key]
	q.locked = false
	if len(q.msgs) == 0 {
		delete(g.keys, d.Key)
		return
	}
	g.markReady(d.Key, q)
}

// nack records that a handed-out delivery failed and waits for redeliver.
func (g *group) nack() {
	g.mu.Lock()
	g.handling--
	g.nacked++
	g.mu.Unlock()
}

// redeliver puts a negatively acknowledged delivery back, at the head of its
// key so that ordering holds.
func (g *group) redeliver(d *transport.Delivery) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.nacked--
	if g.closed {
		return
	}
	d.Redeliveries++
	if g.mode != transport.KeyShared {
		g.shared = append(g.shared, d)
		g.cond.Signal()
		return
	}
	q := g.keys[d.Key]
	q.msgs = append([]*transport.Delivery{d}, q.msgs...)
	q.locked = false
	g.markReady(d.Key, q)
}

// busy counts the deliveries queued, being handled or waiting for
// redelivery; a closed group has none.
func (g *group) busy() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return 0
	}
	n := len(g.shared) + g.handling + g.nacked
	for _, q := range g.keys {
		n += len(q.msgs)
	}
	return n
}

// wake makes every waiting consumer re-check its stop channel.
func (g *group) wake() {
	g.mu.Lock()
	g.cond.Broadcast()
	g.mu.Unlock()
}

func (g *group) close() {
	g.mu.Lock()
	g.closed = true
	g.cond.Broadcast()
	g.mu.Unlock()
}
