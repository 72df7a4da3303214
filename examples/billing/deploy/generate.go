// Package deploy holds deployable workers for the billing example,
// scaffolded by `infgen init worker` from the generated packages in ../gen
// and the workflow in ../monthly (see docs/deploy.md):
//
//   - all-in-one hosts every service and the workflow in one binary: the way
//     to run on the embedded default, whose transport is in-process;
//   - consumption-worker, payment-worker, invoice-worker, email-worker and
//     subscription-worker each host one service, workflow-worker the
//     workflow: one binary per worker, for Pulsar with a shared storage.
//
// Scaffolds are meant to be edited; these are regenerated with
//
//	go generate ./examples/billing/deploy
package deploy

//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out all-in-one --package github.com/infgen/infgen/examples/billing/gen/consumption --package github.com/infgen/infgen/examples/billing/gen/payment --package github.com/infgen/infgen/examples/billing/gen/invoice --package github.com/infgen/infgen/examples/billing/gen/email --package github.com/infgen/infgen/examples/billing/gen/subscription --workflow github.com/infgen/infgen/examples/billing/monthly.Definition
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out consumption-worker --package github.com/infgen/infgen/examples/billing/gen/consumption
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out payment-worker --package github.com/infgen/infgen/examples/billing/gen/payment
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out invoice-worker --package github.com/infgen/infgen/examples/billing/gen/invoice
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out email-worker --package github.com/infgen/infgen/examples/billing/gen/email
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out subscription-worker --package github.com/infgen/infgen/examples/billing/gen/subscription
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out workflow-worker --workflow github.com/infgen/infgen/examples/billing/monthly.Definition
