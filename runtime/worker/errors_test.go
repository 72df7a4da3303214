package worker_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/retry"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/runtime/worker"
	"github.com/infgen/infgen/runtime/workflow"
)

// DeclinedError is shaped like the error a generated OpenAPI package
// declares for an operation: status, headers-like data and a decoded
// problem body, registered as JSON under "<service>.<type>".
type DeclinedError struct {
	StatusCode int      `json:"statusCode"`
	Message    string   `json:"message,omitempty"`
	Body       *Problem `json:"body,omitempty"`
}

// Problem is the decoded error body.
type Problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
}

func (e *DeclinedError) Error() string {
	return fmt.Sprintf("Charge: HTTP %d: %s", e.StatusCode, e.Message)
}

// cardErrors is what a generated package's ErrorTypes() returns.
func cardErrors() []failure.ErrorType {
	return []failure.ErrorType{failure.JSONType[DeclinedError]("cards.DeclinedError")}
}

type ChargeInput struct {
	Customer string
	// Fails is how many attempts fail with a retryable 503 before the 402.
	Fails int
}

// cardService declines every charge, as a generated HTTP client would
// report a 402 (permanent) or a 503 (retryable).
type cardService struct{}

func (c *cardService) Charge(ctx context.Context, in *ChargeInput) (*AddOutput, error) {
	if task, _ := service.TaskFrom(ctx); task.Attempt <= in.Fails {
		return nil, service.Retryable(&DeclinedError{StatusCode: 503, Message: "busy"}, 0)
	}
	return nil, service.Permanent(&DeclinedError{StatusCode: 402, Message: "card declined",
		Body: &Problem{Title: "Card declined", Detail: "the card of " + in.Customer + " was declined"}})
}

func registerCards(w *worker.Worker, c *cardService) {
	fast := retry.Policy{MaxAttempts: 3, Initial: 5 * time.Millisecond, Multiplier: 2, Max: 50 * time.Millisecond}
	err := w.RegisterService(worker.Service{Name: "cards", Errors: cardErrors(), Methods: []worker.Method{
		{Name: "Charge", Handler: worker.Handle(codec.JSON{}, c.Charge)},
	}}, worker.WithRetry(fast))
	if err != nil {
		panic(err)
	}
}

// charge calls cards.Charge the way a generated stub does: with the
// package's error types, or none (known=false).
func chargeTyped(ctx workflow.Context, in *ChargeInput, known bool) error {
	call := workflow.Call{Service: "cards", Method: "Charge", Codec: codec.JSON{}, Input: in}
	if known {
		call.Errors = cardErrors()
	}
	_, err := workflow.Dispatch[*AddOutput](ctx, call).Await(ctx)
	return err
}

// describeDeclined is what the workflows return: whether errors.As found
// the typed error, and what it holds.
func describeDeclined(err error) string {
	var declined *DeclinedError
	var te *workflow.TaskError
	if !errors.As(err, &declined) || !errors.As(err, &te) {
		return fmt.Sprintf("untyped %T: %v", err, err)
	}
	return fmt.Sprintf("%d %s (%s) after %d attempt(s)", declined.StatusCode, declined.Body.Title, declined.Body.Detail, te.Attempts)
}

func TestTypedErrorReachesTheWorkflow(t *testing.T) {
	t.Parallel()
	cards := &cardService{}
	e := newEnv(t, func(w *worker.Worker) {
		registerCards(w, cards)
		require.NoError(t, worker.RegisterWorkflow(w, "bill", func(ctx workflow.Context, in ChargeInput) (string, error) {
			return describeDeclined(chargeTyped(ctx, &in, true)), nil
		}))
	})
	ctx := ctxT(t)
	got, err := client.Execute[string](ctx, e.client, client.StartParams{Workflow: "bill", Input: ChargeInput{Customer: "ada"}})
	require.NoError(t, err)
	require.Equal(t, "402 Card declined (the card of ada was declined) after 1 attempt(s)", got)

	// A typed error that is retryable is retried as before; the last
	// attempt's error reaches the workflow typed.
	got, err = client.Execute[string](ctx, e.client, client.StartParams{Workflow: "bill", Input: ChargeInput{Customer: "bob", Fails: 2}})
	require.NoError(t, err)
	require.Equal(t, "402 Card declined (the card of bob was declined) after 3 attempt(s)", got)
}

// TestUnknownErrorTypeStaysRemoteError calls without naming the error
// types: the failure is a *RemoteError that still carries the type name and
// payload the service recorded.
func TestUnknownErrorTypeStaysRemoteError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		registerCards(w, &cardService{})
		require.NoError(t, worker.RegisterWorkflow(w, "bill", func(ctx workflow.Context, in ChargeInput) (string, error) {
			err := chargeTyped(ctx, &in, false)
			var declined *DeclinedError
			if errors.As(err, &declined) {
				return "typed", nil
			}
			var remote *workflow.RemoteError
			if !errors.As(err, &remote) {
				return fmt.Sprintf("%T", err), nil
			}
			return remote.Type + " " + string(remote.Payload) + " " + remote.Message, nil
		}))
	})
	got, err := client.Execute[string](ctxT(t), e.client, client.StartParams{Workflow: "bill", Input: ChargeInput{Customer: "ada"}})
	require.NoError(t, err)
	require.Equal(t, `cards.DeclinedError {"statusCode":402,"message":"card declined","body":{"title":"Card declined","detail":"the card of ada was declined"}} Charge: HTTP 402: card declined`, got)
}

// TestTypedErrorThroughChildAndToTheClient lets a child fail with the
// typed error: the parent naming the types (ChildCall.Errors) decodes it
// in the ChildError's causes; the client, which knows no types, gets the
// type name and payload in a RemoteError.
func TestTypedErrorThroughChildAndToTheClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		registerCards(w, &cardService{})
		require.NoError(t, worker.RegisterWorkflow(w, "bill", func(ctx workflow.Context, in ChargeInput) (string, error) {
			return "", fmt.Errorf("bill %s: %w", in.Customer, chargeTyped(ctx, &in, true))
		}))
		require.NoError(t, worker.RegisterWorkflow(w, "parent", func(ctx workflow.Context, in ChargeInput) (string, error) {
			_, err := workflow.ExecuteChild[string](ctx, workflow.ChildCall{Workflow: "bill", Input: in, Errors: cardErrors()}).Await(ctx)
			var ce *workflow.ChildError
			if !errors.As(err, &ce) {
				return "", errors.New("expected a ChildError")
			}
			return describeDeclined(err), nil
		}))
	})
	ctx := ctxT(t)
	got, err := client.Execute[string](ctx, e.client, client.StartParams{Workflow: "parent", Input: ChargeInput{Customer: "ada"}})
	require.NoError(t, err)
	require.Equal(t, "402 Card declined (the card of ada was declined) after 1 attempt(s)", got)

	_, err = client.Execute[string](ctx, e.client, client.StartParams{Workflow: "bill", Input: ChargeInput{Customer: "bob"}})
	var we *failure.WorkflowError
	require.ErrorAs(t, err, &we)
	var te *failure.TaskError
	require.ErrorAs(t, err, &te)
	var remote *failure.RemoteError
	require.ErrorAs(t, err, &remote)
	require.Equal(t, "cards.DeclinedError", remote.Type)
	require.JSONEq(t, `{"statusCode":402,"message":"card declined","body":{"title":"Card declined","detail":"the card of bob was declined"}}`, string(remote.Payload))
	require.Contains(t, err.Error(), "bill bob: task cards.Charge")
}

// TestInlineTypedErrorReplays records a typed error in an inline step: the
// replays that follow (after the timer) decode it into its type again.
func TestInlineTypedErrorReplays(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(w *worker.Worker) {
		registerCards(w, &cardService{})
		require.NoError(t, worker.RegisterWorkflow(w, "inline", func(ctx workflow.Context, in ChargeInput) (string, error) {
			first := describeDeclined(chargeTyped(ctx, &in, true)) // names the types
			_, err := workflow.Inline(ctx, "check", func() (int, error) {
				return 0, &DeclinedError{StatusCode: 402, Message: "inline", Body: &Problem{Title: "Inline"}}
			})
			if err := workflow.Sleep(ctx, time.Millisecond); err != nil {
				return "", err
			}
			var declined *DeclinedError
			if !errors.As(err, &declined) {
				return "", fmt.Errorf("inline error is %T", err)
			}
			return first + "; " + declined.Body.Title, nil
		}))
	})
	got, err := client.Execute[string](ctxT(t), e.client, client.StartParams{Workflow: "inline", Input: ChargeInput{Customer: "ada"}})
	require.NoError(t, err)
	require.Equal(t, "402 Card declined (the card of ada was declined) after 1 attempt(s); Inline", got)
}
