// Package dataschema names the schema of a Go type's data as a URI, the
// CloudEvents dataschema of the events whose data it is: the protobuf type
// URL of a protobuf message ("type.googleapis.com/<full name>", as the
// CloudEvents protobuf format names it), else a URN naming the Go type
// ("urn:infgen:go:<import path>.<type name>"). It imports the standard
// library and google.golang.org/protobuf only; workflow.Dispatch records
// the URI of a call's result type, and runtime/events exports it for the
// event catalog.
package dataschema
