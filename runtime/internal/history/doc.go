// Package history defines a workflow instance's durable state: its recorded
// history (batches of events, and the commands the workflow issued), the
// work it waits for, and its status. The engine stores it as JSON, which is
// also what client.State returns.
package history
