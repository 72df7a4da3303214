package retry

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/infgen/infgen/runtime/service"
)

// Policy says how a failed task is retried. Its JSON form is how a per-call
// policy is recorded in a workflow's history and sent with the task.
type Policy struct {
	// MaxAttempts is the total number of attempts, the first included
	// (1 disables retries; 0 means Default().MaxAttempts).
	MaxAttempts int `json:"maxAttempts,omitempty"`
	// Initial is the delay before the second attempt.
	Initial time.Duration `json:"initial,omitempty"`
	// Multiplier grows the delay after each attempt (2 doubles it).
	Multiplier float64 `json:"multiplier,omitempty"`
	// Max caps the delay.
	Max time.Duration `json:"max,omitempty"`
	// Jitter is the fraction (0..1) of the delay that is randomized, so that
	// many failing tasks do not retry in lockstep.
	Jitter float64 `json:"jitter,omitempty"`
}

// Default returns the policy used when none is given: 5 attempts, 1s, 2s,
// 4s, 8s apart (±20%), at most 1 minute.
func Default() Policy {
	return Policy{MaxAttempts: 5, Initial: time.Second, Multiplier: 2, Max: time.Minute, Jitter: 0.2}
}

// None returns a policy that never retries.
func None() Policy { return Policy{MaxAttempts: 1} }

// withDefaults fills zero fields from Default.
func (p Policy) withDefaults() Policy {
	d := Default()
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.Initial <= 0 {
		p.Initial = d.Initial
	}
	if p.Multiplier < 1 {
		p.Multiplier = d.Multiplier
	}
	if p.Max <= 0 {
		p.Max = d.Max
	}
	if p.Jitter < 0 || p.Jitter > 1 {
		p.Jitter = d.Jitter
	}
	return p
}

// Delay returns the back-off before attempt+1, given that attempt (1-based)
// just failed, with jitter applied.
func (p Policy) Delay(attempt int) time.Duration {
	p = p.withDefaults()
	d := float64(p.Initial) * math.Pow(p.Multiplier, float64(attempt-1))
	if d > float64(p.Max) {
		d = float64(p.Max)
	}
	if p.Jitter > 0 {
		d = d * (1 - p.Jitter + 2*p.Jitter*rand.Float64())
	}
	return time.Duration(d)
}

// Decide classifies the failure of attempt (1-based) with err: whether to
// retry, and after how long. A permanent error or the last attempt stops; a
// Retry-After longer than the back-off wins.
func (p Policy) Decide(attempt int, err error) (retry bool, after time.Duration) {
	p = p.withDefaults()
	if !service.IsRetryable(err) || attempt >= p.MaxAttempts {
		return false, 0
	}
	after = p.Delay(attempt)
	if ra := service.RetryAfter(err); ra > after {
		after = ra
	}
	return true, after
}
