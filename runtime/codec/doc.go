// Package codec encodes task and workflow payloads. Generated OpenAPI
// packages use JSON; generated gRPC packages use protobuf binary encoding.
package codec
