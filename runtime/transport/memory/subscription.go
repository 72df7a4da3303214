package memory

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/infgen/infgen/runtime/transport"
)

// subscription is one Subscribe call: a set of goroutines pulling from the
// subscription's group.
type subscription struct {
	t         *Transport
	g         *group
	handler   transport.Handler
	nackDelay time.Duration
	ctx       context.Context
	cancel    context.CancelFunc
	stop      chan struct{}
	once      sync.Once
	wg        sync.WaitGroup
	drop      func() // set for ephemeral subscriptions
}

func (s *subscription) loop() {
	defer s.wg.Done()
	for {
		d := s.g.next(s.stop)
		if d == nil {
			return
		}
		s.t.activity.Add(1)
		if err := s.handle(d); err != nil {
			s.g.nack()
			s.t.timers.Add(1)
			time.AfterFunc(s.nackDelay, func() {
				defer s.t.timers.Done()
				s.g.redeliver(d)
				s.t.activity.Add(1)
			})
			continue
		}
		s.g.done(d)
		s.t.activity.Add(1)
	}
}

// handle runs the handler, turning a panic into an error so that the message
// is redelivered rather than the process killed.
func (s *subscription) handle(d *transport.Delivery) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("memory: handler panicked: %v", r)
		}
	}()
	return s.handler(s.ctx, d)
}

// Close stops the subscription's goroutines and waits for running handlers.
func (s *subscription) Close() error {
	s.once.Do(func() {
		close(s.stop)
		s.g.wake()
		s.wg.Wait()
		s.cancel()
		s.g.mu.Lock()
		s.g.consumers--
		s.g.mu.Unlock()
		if s.drop != nil {
			s.drop()
		}
	})
	return nil
}
