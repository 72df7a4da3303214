package worker_test

import (
	"context"
	"errors"
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

// greeter is a service interface, as generated packages declare one.
type greeter interface {
	Greet(ctx context.Context, in *greetIn) (*greetOut, error)
	Values(ctx context.Context, in greetIn) (greetOut, error)
}

type greetImpl struct {
	seen []*greetIn
	err  error
	ctx  context.Context
}

func (g *greetImpl) Greet(ctx context.Context, in *greetIn) (*greetOut, error) {
	g.seen, g.ctx = append(g.seen, in), ctx
	if g.err != nil || in.Name == "" {
		return nil, g.err
	}
	return &greetOut{Text: "hello " + in.Name}, nil
}

func (g *greetImpl) Values(_ context.Context, in greetIn) (greetOut, error) {
	return greetOut{Text: "hi " + in.Name}, nil
}

type ctxKey struct{}

// TestHandleMethodBehavesAsHandle runs, through a method expression, the
// cases Handle's tests run through a method value: a new decoded value per
// call, no input as a zero value, a nil output as no output, values, an
// undecodable input, the method's error and its context.
func TestHandleMethodBehavesAsHandle(t *testing.T) {
	t.Parallel()
	impl := &greetImpl{}
	h, err := worker.HandleMethod(codec.JSON{}, greeter(impl), greeter.Greet)
	require.NoError(t, err)
	ctx := context.WithValue(context.Background(), ctxKey{}, "v")
	out, err := h(ctx, []byte(`{"name":"ada"}`))
	require.NoError(t, err)
	require.JSONEq(t, `{"text":"hello ada"}`, string(out))
	require.Equal(t, "v", impl.ctx.Value(ctxKey{}))
	out, err = h(context.Background(), nil)
	require.NoError(t, err)
	require.Nil(t, out, "a nil *greetOut is no output")
	require.Len(t, impl.seen, 2)
	require.NotSame(t, impl.seen[0], impl.seen[1], "each call decodes into a new value")
	require.Equal(t, greetIn{}, *impl.seen[1], "no input: a zero value, not nil")

	_, err = h(context.Background(), []byte(`{"name":`))
	var de *worker.DecodeError
	require.ErrorAs(t, err, &de)

	impl.err = errors.New("boom")
	_, err = h(context.Background(), []byte(`{"name":"x"}`))
	require.Same(t, impl.err, err)

	hv, err := worker.HandleMethod(codec.JSON{}, greeter(impl), greeter.Values)
	require.NoError(t, err)
	out, err = hv(context.Background(), []byte(`{"name":"bo"}`))
	require.NoError(t, err)
	require.JSONEq(t, `{"text":"hi bo"}`, string(out))
}

func TestHandleMethodRejectsWhatIsNotAMethodOfImpl(t *testing.T) {
	t.Parallel()
	_, err := worker.HandleMethod(codec.JSON{}, &greetImpl{}, func(context.Context, *greetIn) (*greetOut, error) { return nil, nil })
	require.ErrorContains(t, err, "not a method expression")
	_, err = worker.HandleMethod(codec.JSON{}, "not a greeter", greeter.Greet)
	require.ErrorContains(t, err, "does not implement")
	_, err = worker.HandleMethod(codec.JSON{}, nil, greeter.Greet)
	require.ErrorContains(t, err, "does not implement")
}

// BenchmarkHandleMethod compares a task handled through a method
// expression (reflection) with Handle's method value.
func BenchmarkHandleMethod(b *testing.B) {
	impl := greeter(&greetImpl{})
	in := []byte(`{"name":"ada"}`)
	viaValue := worker.Handle(codec.JSON{}, impl.Greet)
	viaExpr, err := worker.HandleMethod(codec.JSON{}, impl, greeter.Greet)
	require.NoError(b, err)
	for _, bc := range []struct {
		name string
		h    worker.HandlerFunc
	}{{"Handle", viaValue}, {"HandleMethod", viaExpr}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				if _, err := bc.h(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
