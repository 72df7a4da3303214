// Package replay runs a workflow function against its recorded history.
//
// The function runs in coroutines (goroutines of which exactly one runs at a
// time, switched at blocking points in a deterministic order). Batches of
// recorded events are applied one at a time; after each, every coroutine runs
// until it blocks. Each step the function takes is a command with a sequence
// number; a command that was recorded must match the recording (otherwise the
// code changed in a non-deterministic way), and a new one is returned to the
// engine, which publishes it.
package replay
