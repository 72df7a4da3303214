package contract

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/infgen/infgen/ir"
)

// The event contracts of a .proto file: each unary or server-streaming
// rpc of its services is a task that publishes
// <package>.<Service>.<Rpc>.completed, whose data is the response message,
// and ….failed (client- and bidi-streaming rpcs are no tasks and publish
// nothing). See "Event contracts" in docs/check.md.

// protoTask is an rpc that is a task, with the event types of its outcomes.
type protoTask struct {
	completed, failed string
	response          string // the response message's full name
}

// protoTasks lists the tasks of the requested files' services of a side,
// by "pkg.Service/Method" (a finding's Operation).
func protoTasks(side *protoSide) map[string]protoTask {
	out := map[string]protoTask{}
	for name, s := range side.services {
		if !s.target {
			continue
		}
		for _, m := range s.desc.Method {
			if !isTask(m) {
				continue
			}
			// The routed names of a gRPC method: the service's full name
			// and the rpc's name (ir.Service.FullName, and the last
			// element of ir.GRPCBinding.FullMethod).
			out[name+"/"+m.GetName()] = protoTask{
				completed: ir.EventType(name, m.GetName(), ir.OutcomeCompleted),
				failed:    ir.EventType(name, m.GetName(), ir.OutcomeFailed),
				response:  strings.TrimPrefix(m.GetOutputType(), "."),
			}
		}
	}
	return out
}

// isTask reports whether infgen generates a task for an rpc: unary and
// server-streaming ones (as generator/grpc's generatable).
func isTask(m *descriptorpb.MethodDescriptorProto) bool {
	return !m.GetClientStreaming()
}

// eventData maps each message and enum that is, or is held by, the
// response of a task (through its fields, at any depth) to the completed
// events whose data holds it.
func eventData(side *protoSide, tasks map[string]protoTask) map[string][]string {
	out := map[string][]string{}
	for _, op := range sortedKeys(tasks) {
		t := tasks[op]
		seen := map[string]bool{}
		var walk func(name string)
		walk = func(name string) {
			if seen[name] {
				return
			}
			seen[name] = true
			out[name] = append(out[name], t.completed)
			m := side.msgs[name]
			if m == nil { // an enum, or a type the side does not hold
				return
			}
			for _, f := range m.desc.Field {
				if f.GetTypeName() != "" {
					walk(strings.TrimPrefix(f.GetTypeName(), "."))
				}
			}
		}
		walk(t.response)
	}
	return out
}

// protoEvents sets the Events of the findings of a proto comparison.
func (c *protoCompare) protoEvents() {
	oldTasks := protoTasks(c.old)
	data := eventData(c.old, oldTasks)
	for name, events := range eventData(c.new, protoTasks(c.new)) {
		for _, ev := range events {
			if !slices.Contains(data[name], ev) {
				data[name] = append(data[name], ev)
			}
		}
	}
	both := func(t protoTask) []string { return []string{t.completed, t.failed} }
	for i := range c.report.Findings {
		f := &c.report.Findings[i]
		var events []string
		gone := false // the events are no longer published
		switch f.Rule {
		case "FILE_SAME_PACKAGE":
			for _, op := range sortedKeys(oldTasks) {
				events = append(events, both(oldTasks[op])...)
			}
			gone = true
		case "SERVICE_NO_DELETE":
			for _, op := range sortedKeys(oldTasks) {
				if strings.HasPrefix(op, f.Operation+"/") {
					events = append(events, both(oldTasks[op])...)
				}
			}
			gone = true
		case "RPC_NO_DELETE", "RPC_SAME_CLIENT_STREAMING":
			// A method made client-streaming is no task any more.
			if t, ok := oldTasks[f.Operation]; ok {
				events, gone = both(t), true
			}
		case "RPC_SAME_RESPONSE_TYPE", "RPC_SAME_SERVER_STREAMING":
			if t, ok := oldTasks[f.Operation]; ok {
				events = []string{t.completed}
			}
		case "RPC_ADDED", "SERVICE_ADDED", "RPC_SAME_REQUEST_TYPE", "RPC_SAME_IDEMPOTENCY_LEVEL":
		default: // a message's or an enum's rules
			events = slices.Clone(data[f.Operation])
			slices.Sort(events)
		}
		if len(events) == 0 {
			continue
		}
		f.Events = events
		switch {
		case gone && len(events) <= 2:
			f.Message += fmt.Sprintf("; the event types %s are no longer published", strings.Join(events, " and "))
		case gone:
			f.Message += fmt.Sprintf("; the %d event types of its tasks are no longer published", len(events))
		case f.Severity != Info:
			f.Message += fmt.Sprintf("; the data of %s holds it, and their subscribers decode it with the old schema", strings.Join(events, ", "))
		}
	}
}
