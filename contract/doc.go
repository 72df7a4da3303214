// Package contract compares two versions of an API description and says
// which changes break the callers and the workflows built on the old one.
//
// OpenAPI compares two documents with oasdiff's breaking-change rules
// (github.com/oasdiff/oasdiff/checker). Proto compares the descriptors
// protocompile builds from two sets of .proto files (through parser/proto),
// with a rule set modeled on buf's breaking rules (FILE and WIRE_JSON).
// Both return a Report: a list of Findings, each an error (breaking) or an
// info (compatible), with the operation it concerns, where it is in a spec
// (file:line:col when known) and why it breaks. A finding that touches
// the outcome events of the tasks (whose data is a method's response)
// names their types in Events; one that breaks the events' subscribers is
// at least a Warning, whatever oasdiff rates it.
//
// Payloads validates recorded JSON payloads (the inputs and outputs of a
// workflow's tasks, as a worker recorded them with the old description)
// against the new description, so that a tool can tell which workflows in
// flight would fail after the change. The recorded payloads are given to it
// as plain data: reading them from a workflow store is the caller's job.
//
// The package reads specs only: it imports parser/* and ir, never the
// runtime (runtime/...) nor the generator.
package contract
