// Package monthly is the monthly billing workflow of the billing example,
// written in plain Go against the stubs infgen generated from the company's
// API descriptions (../gen).
//
// One workflow instance runs per customer, its id being the customer id.
// Each month it waits for the month to end (a durable timer), checks that the
// customer is still subscribed, reads the month's consumption, charges it,
// issues the invoice and emails it. It stops when the customer unsubscribes
// (the Unsubscribe signal, or a subscription canceled elsewhere) or after
// Input.Months months. If the card is declined (the payment API answers
// 402, which reaches the workflow as the generated
// *payment.RequestPaymentError with its problem body), it emails a
// payment-failure notice and cancels the subscription: the compensation.
// Other payment failures fail the workflow.
//
// The same function runs in one process (go run ./examples/billing) or on
// any number of workers over Pulsar; see docs/billing.md and docs/deploy.md.
package monthly
