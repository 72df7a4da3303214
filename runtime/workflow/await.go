package workflow

// Await waits for d and returns its result; it is d.Await(ctx).
func Await[T any](ctx Context, d Deferred[T]) (T, error) { return d.Await(ctx) }

// AwaitAll waits until every awaitable is ready and returns the first error,
// in argument order.
func AwaitAll(ctx Context, ds ...Awaitable) error {
	ctx.coroutine().Block(func() bool {
		for _, d := range ds {
			if !d.awaitable().f.Done() {
				return false
			}
		}
		return true
	})
	for _, d := range ds {
		if err := d.awaitable().err(); err != nil {
			return err
		}
	}
	return nil
}

// AwaitAny waits until at least one awaitable is ready and returns the index
// of the first ready one (in argument order) and its error.
func AwaitAny(ctx Context, ds ...Awaitable) (int, error) {
	if len(ds) == 0 {
		return -1, nil
	}
	idx := -1
	ctx.coroutine().Block(func() bool {
		for i, d := range ds {
			if d.awaitable().f.Done() {
				idx = i
				return true
			}
		}
		return false
	})
	return idx, ds[idx].awaitable().err()
}
