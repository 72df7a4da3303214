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
