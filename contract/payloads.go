package contract

import "fmt"

// Task is a task call recorded in a workflow's history, to validate
// against a new description of its service.
type Task struct {
	// Workflow is the workflow's id, WorkflowName its registered name.
	Workflow     string
	WorkflowName string
	// Seq is the step that issued the task.
	Seq     int
	Service string
	Method  string
	// Codec encodes Input and Output: "json" (OpenAPI services) or "proto"
	// (gRPC services, binary protobuf).
	Codec string
	Input []byte
	// Answered is set when the history holds the task's successful
	// answer, Output.
	Answered bool
	Output   []byte
}

// Payloads validates recorded task payloads against the new version of a
// description. Tasks of services the old version does not describe are
// someone else's and are skipped.
type Payloads struct {
	// known are the services of the old version (by the name tasks
	// record); check validates one task against the new version.
	known map[string]bool
	check func(t Task) []string
}

// Check validates each task and returns a finding (an Error, rule
// "in-flight") for each problem, in the order of the tasks: the workflow
// and step it is at, and why the recorded payload does not fit the new
// description.
func (p *Payloads) Check(tasks []Task) *Report {
	r := &Report{}
	for _, t := range tasks {
		if !p.known[t.Service] {
			continue
		}
		for _, msg := range p.check(t) {
			r.Findings = append(r.Findings, Finding{
				Severity:  Error,
				Rule:      "in-flight",
				Operation: fmt.Sprintf("workflow %s (%s) step %d %s.%s", t.Workflow, t.WorkflowName, t.Seq, t.Service, t.Method),
				Message:   msg,
				Workflow:  t.Workflow,
				Step:      t.Seq,
			})
		}
	}
	return r
}
