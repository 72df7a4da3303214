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
// With Input.Payment set to PaymentCallback the month is charged with
// CreateCharge, which the payment API accepts at once (202), and the
// workflow awaits the outcome the API calls back (the paymentOutcome
// callback, delivered by a webhook receiver as a signal), with a timeout; a
// declined outcome is compensated like a 402. Each paid month emits a
// billing.payment.settled event (SettledEvent), from which a subscriber
// emails the receipt.
//
// The same function runs in one process (go run ./examples/billing) or on
// any number of workers over Pulsar; see docs/billing.md and docs/deploy.md.
package monthly
