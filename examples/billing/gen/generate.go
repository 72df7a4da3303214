package gen

//go:generate go run github.com/infgen/infgen/cmd/infgen generate openapi ../api/consumption.yaml --out consumption --package consumption
//go:generate go run github.com/infgen/infgen/cmd/infgen generate openapi ../api/payment.yaml --out payment --package payment
//go:generate go run github.com/infgen/infgen/cmd/infgen generate openapi ../api/invoice.yaml --out invoice --package invoice
//go:generate go run github.com/infgen/infgen/cmd/infgen generate openapi ../api/email.yaml --out email --package email
//go:generate go run github.com/infgen/infgen/cmd/infgen generate proto -I ../api --out subscription --package subscription subscription.proto
