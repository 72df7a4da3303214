package workflow

import "github.com/google/uuid"

// Random returns a replay-safe pseudo-random number.
func Random(ctx Context) uint64 { return ctx.coroutine().Scheduler().Rand().Uint64() }

// NewUUID returns a replay-safe random (version 4) UUID.
func NewUUID(ctx Context) string {
	r := ctx.coroutine().Scheduler().Rand()
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b).String()
}
