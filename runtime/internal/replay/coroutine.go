package replay

import (
	"fmt"
	"runtime/debug"
)

// exitSignal unwinds a coroutine that the scheduler tears down.
type exitSignal struct{}

// abortSignal unwinds a coroutine when the run must stop (non-determinism).
type abortSignal struct{ err error }

// Coroutine is one thread of a workflow: the main function or a branch
// started with Go. Only one coroutine runs at a time.
type Coroutine struct {
	s       *Scheduler
	name    string
	resume  chan bool // true: continue, false: exit
	yielded chan struct{}
	cond    func() bool
	done    bool
	started bool
	fn      func(*Coroutine)
}

// Scheduler returns the run this coroutine belongs to.
func (c *Coroutine) Scheduler() *Scheduler { return c.s }

// Block suspends the coroutine until cond returns true. cond is evaluated by
// the scheduler between steps; it must only read workflow state.
func (c *Coroutine) Block(cond func() bool) {
	if c.s.closing { // a deferred call of a coroutine being torn down
		panic(exitSignal{})
	}
	if c.s.aborted != nil {
		panic(abortSignal{c.s.aborted})
	}
	if cond() {
		return
	}
	c.cond = cond
	c.yielded <- struct{}{}
	if !<-c.resume {
		panic(exitSignal{})
	}
	if c.s.aborted != nil {
		panic(abortSignal{c.s.aborted})
	}
	c.cond = nil
}

func (c *Coroutine) start() {
	c.started = true
	go func() {
		defer func() {
			r := recover()
			switch r.(type) {
			case nil, exitSignal:
			case abortSignal:
			default:
				if c.s.panicked == nil {
					c.s.panicked = fmt.Errorf("workflow %q panicked in %s: %v\n%s", c.s.name, c.name, r, debug.Stack())
				}
			}
			c.done = true
			c.yielded <- struct{}{}
		}()
		if !<-c.resume {
			panic(exitSignal{})
		}
		c.fn(c)
	}()
}

// runnable reports whether the scheduler may resume the coroutine.
func (c *Coroutine) runnable() bool {
	if c.done {
		return false
	}
	if !c.started || c.cond == nil {
		return true
	}
	return c.cond()
}

// step resumes the coroutine until it blocks or ends.
func (c *Coroutine) step() {
	if !c.started {
		c.start()
	}
	c.resume <- true
	<-c.yielded
}

// exit tears the coroutine down.
func (c *Coroutine) exit() {
	if c.done {
		return
	}
	if !c.started {
		c.done = true
		return
	}
	c.resume <- false
	<-c.yielded
}
