package deploy

//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out all-in-one --package github.com/infgen/infgen/examples/billing/gen/consumption --package github.com/infgen/infgen/examples/billing/gen/payment --package github.com/infgen/infgen/examples/billing/gen/invoice --package github.com/infgen/infgen/examples/billing/gen/email --package github.com/infgen/infgen/examples/billing/gen/subscription --workflow github.com/infgen/infgen/examples/billing/monthly.Workflow
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out consumption-worker --package github.com/infgen/infgen/examples/billing/gen/consumption
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out payment-worker --package github.com/infgen/infgen/examples/billing/gen/payment
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out invoice-worker --package github.com/infgen/infgen/examples/billing/gen/invoice
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out email-worker --package github.com/infgen/infgen/examples/billing/gen/email
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out subscription-worker --package github.com/infgen/infgen/examples/billing/gen/subscription
//go:generate go run github.com/infgen/infgen/cmd/infgen init worker --force --out workflow-worker --workflow github.com/infgen/infgen/examples/billing/monthly.Workflow
