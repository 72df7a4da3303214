// Package client starts workflows and talks to them: await their result,
// send signals, cancel, retry failed tasks, read their state and history,
// inspect and re-drive dead letters. A client needs the same transport and
// storage as the workers; it may live in the same process or another.
package client
