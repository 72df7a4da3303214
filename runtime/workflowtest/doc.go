// Package workflowtest checks workflow code against recorded histories.
//
// Save the state of real instances (client.State returns it as JSON) next to
// your tests, and replay them against the current code before deploying: a
// change that alters the commands an instance issued is reported with the
// step and the expected versus found command — the same check the engine
// makes, without parking anything in production.
package workflowtest
