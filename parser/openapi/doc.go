// Package openapi reads an OpenAPI 3.0 or 3.1 document (YAML or JSON, with
// local and relative-file $refs) into an ir.Spec.
//
// Errors name the position of the offending construct as file:line:col:
// invalid YAML or JSON, an unresolved $ref, duplicate operationIds. Schemas
// that cannot be typed precisely are mapped to arbitrary JSON and reported
// as ir.Warnings with their position.
package openapi
