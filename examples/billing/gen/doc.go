// Package gen holds the Go packages infgen generates from the API
// descriptions in ../api, one package per service. The code is committed;
// refresh it with
//
//	go generate ./examples/billing/gen
//
// and a test (TestGeneratedCodeIsFresh in examples/billing) fails when the
// committed code differs from what the generator produces.
package gen
