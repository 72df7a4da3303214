package worker_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/codec"
	"github.com/infgen/infgen/runtime/worker"
)

type greetIn struct {
	Name string `json:"name"`
}

type greetOut struct {
	Text string `json:"text"`
}

func TestHandleDecodesIntoANewValueOfThePointersElement(t *testing.T) {
	t.Parallel()
	var seen []*greetIn
	h := worker.Handle(codec.JSON{}, func(_ context.Context, in *greetIn) (*greetOut, error) {
		seen = append(seen, in)
		return &greetOut{Text: "hello " + in.Name}, nil
	})
	out, err := h(context.Background(), []byte(`{"name":"ada"}`))
	require.NoError(t, err)
	require.JSONEq(t, `{"text":"hello ada"}`, string(out))
	_, err = h(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, seen, 2)
	require.NotSame(t, seen[0], seen[1], "each call decodes into a new value")
	require.Equal(t, greetIn{}, *seen[1], "no input: a zero value, not nil")
}

func TestHandleEncodesANilPointerAsNoOutput(t *testing.T) {
	t.Parallel()
	h := worker.Handle(codec.JSON{}, func(context.Context, *greetIn) (*greetOut, error) { return nil, nil })
	out, err := h(context.Background(), []byte(`{}`))
	require.NoError(t, err)
	require.Nil(t, out)
}

func TestHandleTakesValuesToo(t *testing.T) {
	t.Parallel()
	h := worker.Handle(codec.JSON{}, func(_ context.Context, in greetIn) (greetOut, error) {
		return greetOut{Text: "hi " + in.Name}, nil
	})
	out, err := h(context.Background(), []byte(`{"name":"bo"}`))
	require.NoError(t, err)
	require.JSONEq(t, `{"text":"hi bo"}`, string(out))
}

func TestHandleRejectsAnUndecodableInput(t *testing.T) {
	t.Parallel()
	h := worker.Handle(codec.JSON{}, func(context.Context, *greetIn) (*greetOut, error) { return &greetOut{}, nil })
	_, err := h(context.Background(), []byte(`{"name":`))
	var de *worker.DecodeError
	require.ErrorAs(t, err, &de)
}
