// Package gen holds the Go packages infgen generates from the API
// descriptions in ../api, one package per service. The code is committed;
// refresh it with
//
//	go generate ./examples/billing/gen
//
// and a test (TestGeneratedCodeIsFresh in examples/billing) fails when the
// committed code differs from what the generator produces.
package gen

//go:generate go run github.com/infgen/infgen/cmd/infgen generate openapi ../api/consumption.yaml --out consumption --package consumption
//go:generate go run github.com/infgen/infgen/cmd/infgen generate openapi ../api/payment.yaml --out payment --package payment
//go:generate go run github.com/infgen/infgen/cmd/infgen generate openapi ../api/invoice.yaml --out invoice --package invoice
//go:generate go run github.com/infgen/infgen/cmd/infgen generate openapi ../api/email.yaml --out email --package email
//go:generate go run github.com/infgen/infgen/cmd/infgen generate proto -I ../api --out subscription --package subscription subscription.proto
