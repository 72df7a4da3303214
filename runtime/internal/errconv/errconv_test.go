package errconv_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/failure"
	"github.com/infgen/infgen/runtime/internal/errconv"
	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/service"
)

type declinedError struct {
	StatusCode int    `json:"statusCode"`
	Reason     string `json:"reason"`
}

func (e *declinedError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.StatusCode, e.Reason) }

type otherError struct{ Code string }

func (e *otherError) Error() string { return "other " + e.Code }

func types() errconv.Types {
	var t errconv.Types
	t.Add(failure.JSONType[declinedError]("cards.DeclinedError"), failure.JSONType[otherError]("cards.OtherError"))
	return t
}

// wire sends a record through JSON, as the transport and the store do.
func wire(t *testing.T, rec *history.Error) *history.Error {
	t.Helper()
	b, err := json.Marshal(rec)
	require.NoError(t, err)
	var out history.Error
	require.NoError(t, json.Unmarshal(b, &out))
	return &out
}

func TestServiceErrorRoundTripsTyped(t *testing.T) {
	t.Parallel()
	err := service.Permanent(fmt.Errorf("charge: %w", &declinedError{StatusCode: 402, Reason: "insufficient funds"}))
	rec := wire(t, types().FromService(err))
	require.Equal(t, history.ErrorKindService, rec.Kind)
	require.Equal(t, "cards.DeclinedError", rec.Type)
	require.JSONEq(t, `{"statusCode":402,"reason":"insufficient funds"}`, string(rec.Payload))
	require.Equal(t, err.Error(), rec.Message)

	got := types().ToError(rec)
	var declined *declinedError
	require.ErrorAs(t, got, &declined)
	require.Equal(t, &declinedError{StatusCode: 402, Reason: "insufficient funds"}, declined)
}

func TestServiceErrorTakesTheFirstTypedErrorInTheChain(t *testing.T) {
	t.Parallel()
	err := errors.Join(errors.New("plain"), &otherError{Code: "x"}, &declinedError{StatusCode: 402})
	rec := types().FromService(err)
	require.Equal(t, "cards.OtherError", rec.Type)
	require.Empty(t, errconv.Types{}.FromService(err).Type, "no types, no type name")
}

func TestUnknownTypeStaysRemoteErrorWithTypeAndPayload(t *testing.T) {
	t.Parallel()
	rec := wire(t, types().FromService(&declinedError{StatusCode: 402, Reason: "x"}))
	for name, got := range map[string]error{
		"no types": errconv.ToError(rec),
		"bad payload": types().ToError(&history.Error{Kind: "service", Message: "m", Type: "cards.DeclinedError",
			Payload: history.Payload(`[1]`)}),
	} {
		var remote *failure.RemoteError
		require.ErrorAs(t, got, &remote, name)
		require.NotEmpty(t, remote.Type, name)
		require.NotEmpty(t, remote.Payload, name)
		var declined *declinedError
		require.False(t, errors.As(got, &declined), name)
	}
	remote := errconv.ToError(rec).(*failure.RemoteError)
	require.Equal(t, &failure.RemoteError{Message: "HTTP 402: x", Type: "cards.DeclinedError",
		Payload: []byte(`{"statusCode":402,"reason":"x"}`)}, remote)

	// A remote error recorded again (the workflow returned it) keeps its
	// type and payload, so a process that knows the type decodes it later.
	again := wire(t, errconv.FromError(&failure.TaskError{Service: "cards", Method: "Charge", Cause: remote}))
	var declined *declinedError
	require.ErrorAs(t, types().ToError(again), &declined)
	require.Equal(t, "x", declined.Reason)
}

func TestWorkflowErrorKeepsTypedCauses(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("bill: %w", &failure.TaskError{Service: "cards", Method: "Charge", Attempts: 1,
		Cause: &declinedError{StatusCode: 402, Reason: "lost card"}})
	rec := wire(t, types().FromError(err))
	got := types().ToError(rec)
	require.Equal(t, err.Error(), got.Error())
	var te *failure.TaskError
	require.ErrorAs(t, got, &te)
	var declined *declinedError
	require.ErrorAs(t, got, &declined)
	require.Equal(t, "lost card", declined.Reason)
}

func TestAddKeepsTheFirstTypeOfAName(t *testing.T) {
	t.Parallel()
	var ts errconv.Types
	ts.Add(failure.JSONType[declinedError]("x"), failure.JSONType[otherError]("x"), failure.ErrorType{Name: "incomplete"})
	require.Equal(t, 1, ts.Len())
	var declined *declinedError
	require.ErrorAs(t, ts.ToError(&history.Error{Kind: "service", Type: "x", Payload: history.Payload(`{"reason":"r"}`)}), &declined)
}

func TestAddTakesASharedSliceOnce(t *testing.T) {
	t.Parallel()
	shared := failure.JSONTypes("cards", (*declinedError)(nil), (*otherError)(nil))
	require.Equal(t, "cards.declinedError", shared[0].Name)
	var ts errconv.Types
	for range 3 {
		ts.Add(shared...)
	}
	require.Equal(t, 2, ts.Len())
	// A slice with the same first element but more types is not the one
	// taken: its new types are added.
	more := append(shared[:2:2], failure.JSONType[declinedError]("cards.other"))
	ts.Add(more...)
	require.Equal(t, 3, ts.Len())
	var declined *declinedError
	require.ErrorAs(t, ts.ToError(&history.Error{Kind: "service", Type: "cards.declinedError", Payload: history.Payload(`{"reason":"r"}`)}), &declined)
	require.Equal(t, "r", declined.Reason)
}

func TestOfEncodesAndDecodesWithoutAnIndex(t *testing.T) {
	t.Parallel()
	ts := errconv.Of(failure.JSONTypes("cards", (*declinedError)(nil)))
	rec := ts.FromService(fmt.Errorf("charge: %w", &declinedError{Reason: "lost card"}))
	require.Equal(t, "cards.declinedError", rec.Type)
	var declined *declinedError
	require.ErrorAs(t, ts.ToError(rec), &declined)
	require.Equal(t, "lost card", declined.Reason)
}
