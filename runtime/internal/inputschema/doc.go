// Package inputschema derives the JSON Schema of a workflow's input from
// its Go type, by reflection, when the workflow is registered: the worker
// records it in the registry, where the dashboard reads it to build a start
// form.
//
// It owns only that mapping (encoding/json's rules: field names and
// omitempty from json tags, embedded structs flattened, []byte as a base64
// string, time.Time as a date-time string). It imports only the standard
// library, and nothing of the runtime.
package inputschema
