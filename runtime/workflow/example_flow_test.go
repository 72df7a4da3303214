package workflow_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/workflow"
)

// ExampleDispatch starts a service task and waits for its output. A
// generated stub does the same: greeter.Greet(ctx, name).
func ExampleDispatch() {
	flow := workflow.Define("example.dispatch", func(ctx workflow.Context, name string) (string, error) {
		d := workflow.Dispatch[*string](ctx, workflow.Call{Service: "greeter", Method: "Greet", Input: name})
		out, err := d.Await(ctx)
		if err != nil {
			return "", err
		}
		return *out, nil
	})
	fmt.Println(execute(flow, "ada"))
	// Output: hello ada <nil>
}

// greeterStub is shaped like a generated stub: its method runs the task with
// Execute and waits.
type greeterStub struct{}

func (greeterStub) Greet(ctx workflow.Context, name string, opts ...workflow.CallOption) (*string, error) {
	return workflow.Execute[*string](ctx, workflow.Call{Service: "greeter", Method: "Greet", Input: name}, opts...)
}

// ExampleExecute runs a service task and waits for its output, as generated
// stub methods do.
func ExampleExecute() {
	flow := workflow.Define("example.execute", func(ctx workflow.Context, name string) (string, error) {
		out, err := greeterStub{}.Greet(ctx, name)
		if err != nil {
			return "", err
		}
		return *out, nil
	})
	fmt.Println(execute(flow, "ada"))
	// Output: hello ada <nil>
}

// ExampleAsync starts two stub calls side by side: each task is issued where
// Async is called, and the workflow waits for both afterwards.
func ExampleAsync() {
	flow := workflow.Define("example.async", func(ctx workflow.Context, names []string) (string, error) {
		stub := greeterStub{}
		first := workflow.Async(ctx, stub.Greet, names[0])
		second := workflow.Async(ctx, stub.Greet, names[1])
		if err := workflow.AwaitAll(ctx, first, second); err != nil {
			return "", err
		}
		a, _ := first.Await(ctx) // ready: does not wait
		b, _ := second.Await(ctx)
		return *a + ", " + *b, nil
	})
	fmt.Println(execute(flow, []string{"ada", "grace"}))
	// Output: hello ada, hello grace <nil>
}

// ExampleAwait waits for one Deferred.
func ExampleAwait() {
	flow := workflow.Define("example.await", func(ctx workflow.Context, name string) (string, error) {
		out, err := workflow.Await(ctx, greet(ctx, name))
		if err != nil {
			return "", err
		}
		return *out, nil
	})
	fmt.Println(execute(flow, "grace"))
	// Output: hello grace <nil>
}

// ExampleAwaitAll starts tasks side by side and waits for all of them.
func ExampleAwaitAll() {
	flow := workflow.Define("example.awaitall", func(ctx workflow.Context, names []string) (string, error) {
		var ds []workflow.Deferred[*string]
		var all []workflow.Awaitable
		for _, n := range names {
			d := greet(ctx, n)
			ds, all = append(ds, d), append(all, d)
		}
		if err := workflow.AwaitAll(ctx, all...); err != nil {
			return "", err
		}
		var out []string
		for _, d := range ds {
			s, _ := d.Await(ctx) // ready: does not wait
			out = append(out, *s)
		}
		return strings.Join(out, ", "), nil
	})
	fmt.Println(execute(flow, []string{"ada", "grace", "alan"}))
	// Output: hello ada, hello grace, hello alan <nil>
}

// ExampleAwaitAny waits for the first of a task and a long timer.
func ExampleAwaitAny() {
	flow := workflow.Define("example.awaitany", func(ctx workflow.Context, name string) (int, error) {
		return workflow.AwaitAny(ctx, workflow.NewTimer(ctx, 24*hour), greet(ctx, name))
	})
	fmt.Println(execute(flow, "ada"))
	// Output: 1 <nil>
}

// ExampleReady returns a Deferred that is already resolved: for a result
// known at once, where a Deferred is expected.
func ExampleReady() {
	flow := workflow.Define("example.ready", func(ctx workflow.Context, cached bool) (string, error) {
		var d workflow.Deferred[*string]
		if cached {
			s := "hello from the cache"
			d = workflow.Ready(&s)
		} else {
			d = greet(ctx, "ada")
		}
		out, err := d.Await(ctx)
		if err != nil {
			return "", err
		}
		return *out, nil
	})
	fmt.Println(execute(flow, true))
	// Output: hello from the cache <nil>
}

// ExampleGo runs two branches of the workflow side by side: each waits for
// its own task, and the workflow waits for both.
func ExampleGo() {
	flow := workflow.Define("example.go", func(ctx workflow.Context, _ struct{}) (string, error) {
		branch := func(name string) func(workflow.Context) (string, error) {
			return func(ctx workflow.Context) (string, error) {
				s, err := greet(ctx, name).Await(ctx)
				if err != nil {
					return "", err
				}
				return strings.ToUpper(*s), nil
			}
		}
		a := workflow.Go(ctx, branch("ada"))
		b := workflow.Go(ctx, branch("alan"))
		if err := workflow.AwaitAll(ctx, a, b); err != nil {
			return "", err
		}
		av, _ := a.Await(ctx)
		bv, _ := b.Await(ctx)
		return av + " / " + bv, nil
	})
	fmt.Println(execute(flow, struct{}{}))
	// Output: HELLO ADA / HELLO ALAN <nil>
}

// ExampleExecuteChild starts a child workflow by a name known only at run
// time (a typed reference, Ref.Run, is the usual way).
func ExampleExecuteChild() {
	child := workflow.Define("example.child", func(ctx workflow.Context, n int) (int, error) { return n * n, nil })
	parent := workflow.Define("example.parent", func(ctx workflow.Context, name string) (int, error) {
		return workflow.ExecuteChild[int](ctx, workflow.ChildCall{Workflow: name, Input: 7}).Await(ctx)
	})
	fmt.Println(execute(parent, "example.child", child))
	// Output: 49 <nil>
}

// ExampleRef_Dispatch starts children without waiting, then waits for all:
// a fan-out.
func ExampleRef_Dispatch() {
	square := workflow.Define("example.square", func(ctx workflow.Context, n int) (int, error) { return n * n, nil })
	sum := workflow.Define("example.sum", func(ctx workflow.Context, n int) (int, error) {
		var ds []workflow.Deferred[int]
		for i := 1; i <= n; i++ {
			ds = append(ds, square.Dispatch(ctx, i, workflow.WithChildID(fmt.Sprintf("square-%d", i))))
		}
		total := 0
		for _, d := range ds {
			v, err := d.Await(ctx)
			if err != nil {
				return 0, err
			}
			total += v
		}
		return total, nil
	})
	fmt.Println(execute(sum, 3, square))
	// Output: 14 <nil>
}

// ExampleRef_Run runs a child and waits for it; a child's failure is a
// *ChildError.
func ExampleRef_Run() {
	check := workflow.Define("example.check", func(ctx workflow.Context, n int) (string, error) {
		if n < 0 {
			return "", errors.New("negative")
		}
		return "ok", nil
	})
	flow := workflow.Define("example.run", func(ctx workflow.Context, n int) (string, error) {
		out, err := check.Run(ctx, n)
		var ce *workflow.ChildError
		if errors.As(err, &ce) {
			return "child " + ce.Workflow + " failed: " + ce.Cause.Error(), nil
		}
		return out, err
	})
	fmt.Println(execute(flow, -1, check))
	// Output: child example.check failed: negative <nil>
}

// ExampleVersion registers two versions of a workflow side by side: new
// instances take the newest, running ones finish on theirs.
func ExampleVersion() {
	v1 := workflow.Define("example.versioned", func(ctx workflow.Context, _ struct{}) (string, error) { return "v1", nil }, workflow.Version(1))
	v2 := workflow.Define("example.versioned", func(ctx workflow.Context, _ struct{}) (string, error) { return "v2", nil }, workflow.Version(2))
	s := newSandbox(v1, v2)
	defer s.close()
	out, err := client.ExecuteRef(s.ctx, s.c, v2, struct{}{}, client.StartParams{})
	fmt.Println(out, err, v1.Version(), v2.Version(), v2.Name())
	// Output: v2 <nil> 1 2 example.versioned
}
