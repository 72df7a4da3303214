package workflow

// Temporary declarations, replaced by the engine implementation.

type coroutine struct{}

// Dispatch asks a service to execute a task and returns at once; the
// returned Deferred yields the decoded output (Out is usually a pointer type).
func Dispatch[Out any](ctx Context, call Call, opts ...CallOption) Deferred[Out] {
	panic("not implemented yet")
}
