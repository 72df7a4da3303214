// Package gen is the toolkit both generators (generator/openapi and
// generator/grpc) build Go files with, so that they share one way of doing
// each thing:
//
//   - File and Options, the output and the settings of one generation;
//   - Render: a jennifer file to gofmt'd source with imports grouped as
//     goimports groups them;
//   - composite literals laid out one field per line in a fixed order
//     (Field, Fields), duration and retry policy literals, the options of
//     a workflow stub call;
//   - the descriptor file every generated package declares (Descriptor)
//     and the generator's version;
//   - the import paths of the runtime packages generated code links.
//
// Go names are not made here: they come from ir (ir/names.go), the only
// place names are made; gen only turns IR identifiers into jennifer code
// (Ident).
//
// gen holds no state: every function is pure. It imports ir and jennifer,
// never a parser, never generator/openapi or generator/grpc (they import
// it), never the runtime packages whose import paths it names.
package gen
