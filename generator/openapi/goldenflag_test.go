package openapi_test

// go test ./generator/... -run Golden -update hands -update to the tests
// of every package it matches; goldenflag defines it.
import _ "github.com/infgen/infgen/generator/internal/goldenflag"
