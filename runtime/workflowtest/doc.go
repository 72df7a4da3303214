// Package workflowtest helps test workflow code.
//
// Env runs services and workflows in memory on a virtual clock that jumps to
// the next timer whenever every workflow is waiting, so a workflow that
// sleeps for months, waits a day for a signal, or backs off for hours before
// a retry runs in milliseconds, with workflow.Now following the virtual
// time. Sleep moves the clock by hand (to send a signal "three days later");
// Result reports a workflow that waits for something no timer will bring
// instead of hanging.
//
// Replay checks workflow code against recorded histories: save the state of
// real instances (client.State, or infgen workflow state ID) next to your
// tests, and replay them against the current code before deploying. A change
// that alters the commands an instance issued is reported with the step and
// the expected versus found command — the same check the engine makes,
// without parking anything in production.
package workflowtest
