package client

import (
	"context"
	"fmt"

	"github.com/infgen/infgen/runtime/workflow"
)

// StartRef starts the workflow ref refers to with input in, as Start does,
// and returns its id: the name and the input's type come from the
// reference, so that a renamed workflow or a changed input type is a
// compile error, not a failure at run time. p.Workflow and p.Input are left
// empty (the reference and in fill them); the rest of p applies as for Start.
func StartRef[In, Out any](ctx context.Context, c *Client, ref workflow.Ref[In, Out], in In, p StartParams) (string, error) {
	if err := fromRef(&p, ref.Name(), in); err != nil {
		return "", err
	}
	return c.Start(ctx, p)
}

// ExecuteRef starts the workflow ref refers to, as StartRef does, and waits
// for its output.
func ExecuteRef[In, Out any](ctx context.Context, c *Client, ref workflow.Ref[In, Out], in In, p StartParams) (Out, error) {
	id, err := StartRef(ctx, c, ref, in, p)
	if err != nil {
		var zero Out
		return zero, err
	}
	return Result[Out](ctx, c, id)
}

// fromRef fills p's workflow and input from a reference, refusing values
// that would contradict it.
func fromRef(p *StartParams, name string, in any) error {
	switch {
	case name == "":
		return fmt.Errorf("client: start through a zero workflow.Ref: declare the workflow with workflow.Define")
	case p.Workflow != "" && p.Workflow != name:
		return fmt.Errorf("client: StartParams.Workflow is %q but the reference names %q: leave Workflow empty with StartRef", p.Workflow, name)
	case p.Input != nil:
		return fmt.Errorf("client: StartParams.Input is set for %s: pass the input as StartRef's argument, which has the workflow's input type", name)
	}
	p.Workflow, p.Input = name, in
	return nil
}
