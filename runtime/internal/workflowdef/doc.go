// Package workflowdef gives the runtime (the worker, workflowtest) the
// function a workflow definition replays, which package workflow keeps out
// of its public API: a workflow author sees a definition's name and version
// only.
//
// It must not import the engine, the worker or the client.
package workflowdef
