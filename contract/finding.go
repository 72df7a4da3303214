package contract

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Severity says whether a change breaks the contract.
type Severity string

// Severities: an Error breaks existing callers; a Warning may break some
// (oasdiff's warnings, such as a removed optional property); an Info does
// not. Only errors make a change breaking.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Location is a place in a spec file; Line and Column are 1-based, 0 when
// unknown.
type Location struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// String formats the location as file:line:col, leaving out what is unknown.
func (l Location) String() string {
	switch {
	case l.File == "":
		return ""
	case l.Line == 0:
		return l.File
	case l.Column == 0:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}

// Finding is one change between the old and the new description.
type Finding struct {
	Severity Severity `json:"severity"`
	// Rule names the check that found it (an oasdiff rule id, or a
	// buf-style rule name for proto).
	Rule string `json:"rule"`
	// Operation is what it concerns: "GET /pets/{id}", "pkg.Service/Method",
	// or a message or enum name.
	Operation string `json:"operation,omitempty"`
	// Location is where the change is: in the new file, or in the old one
	// for what was removed.
	Location Location `json:"location"`
	// Message says what changed and why it breaks.
	Message string `json:"message"`
	// Events are the CloudEvents types whose contract the change touches
	// ("Petstore.ShowPetByID.completed"): the outcome events of the tasks
	// of the operations concerned, whose data is the operation's response
	// (see "Event contracts" in docs/check.md).
	Events []string `json:"events,omitempty"`
	// Workflow and Step are set on the findings of an in-flight check: the
	// workflow that would fail, and the step whose recorded payload does
	// not fit the new description.
	Workflow string `json:"workflow,omitempty"`
	Step     int    `json:"step,omitempty"`
}

// Report lists the findings of a comparison, errors first.
type Report struct {
	Findings []Finding `json:"findings"`
	// InFlight, when the workflows in flight were checked too (their
	// findings follow the spec's), says how many.
	InFlight *InFlight `json:"inFlight,omitempty"`
}

// InFlight counts what an in-flight check looked at.
type InFlight struct {
	// Check is "payloads" (recorded task payloads validated against a new
	// spec) or "replay" (histories replayed with new workflow code).
	Check string `json:"check"`
	// Workflows not finished; of those, the tasks whose payloads were
	// validated, or the workflows replayed with new code.
	Workflows int `json:"workflows"`
	Tasks     int `json:"tasks,omitempty"`
	Replayed  int `json:"replayed,omitempty"`
	// Failing lists the ids of the workflows that would fail.
	Failing []string `json:"failing"`
}

// Breaking reports whether any finding is an error.
func (r *Report) Breaking() bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Severity == Error })
}

// Count returns the number of findings of a severity.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// sort orders the findings: errors first, then by operation, location and
// message, so that a report is deterministic.
func (r *Report) sort() {
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(rank(a.Severity), rank(b.Severity)),
			cmp.Compare(a.Operation, b.Operation),
			cmp.Compare(a.Location.File, b.Location.File),
			cmp.Compare(a.Location.Line, b.Location.Line),
			cmp.Compare(a.Location.Column, b.Location.Column),
			cmp.Compare(a.Message, b.Message))
	})
}

func rank(s Severity) int {
	switch s {
	case Error:
		return 0
	case Warning:
		return 1
	}
	return 2
}

// WriteText writes the report for people: one line per finding,
//
//	error  GET /pets/{id}  new.yaml:12:9  the required request property 'name' was added [new-required-request-property]
//
// followed, for a finding that touches events, by a line naming them
// (the first maxTextEvents of them),
//
//	events: Petstore.FindPetByID.completed
//
// then a summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%-7s  ", f.Severity)
		if f.Operation != "" {
			fmt.Fprintf(&b, "%s  ", f.Operation)
		}
		if loc := f.Location.String(); loc != "" {
			fmt.Fprintf(&b, "%s  ", loc)
		}
		fmt.Fprintf(&b, "%s [%s]\n", f.Message, f.Rule)
		if len(f.Events) > 0 {
			b.WriteString("  events: ")
			b.WriteString(strings.Join(f.Events[:min(len(f.Events), maxTextEvents)], ", "))
			if more := len(f.Events) - maxTextEvents; more > 0 {
				fmt.Fprintf(&b, " and %d more", more)
			}
			b.WriteByte('\n')
		}
	}
	if f := r.InFlight; f != nil {
		what := fmt.Sprintf("%d task(s) checked", f.Tasks)
		if f.Check == "replay" {
			what = fmt.Sprintf("%d replayed", f.Replayed)
		}
		fmt.Fprintf(&b, "in flight: %d workflow(s), %s; %d workflow(s) would fail\n", f.Workflows, what, len(f.Failing))
	}
	errs, others := r.Count(Error), r.Count(Warning)+r.Count(Info)
	switch {
	case errs > 0:
		fmt.Fprintf(&b, "%d breaking change(s), %d other(s)\n", errs, others)
	case others > 0:
		fmt.Fprintf(&b, "no breaking change, %d other(s)\n", others)
	default:
		b.WriteString("no change\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxTextEvents bounds the events WriteText lists under a finding: a
// renamed service touches every event type of the API (WriteJSON lists
// them all).
const maxTextEvents = 10

// WriteJSON writes the report as one indented JSON object:
// {"breaking": bool, "findings": [...]}.
func (r *Report) WriteJSON(w io.Writer) error {
	findings := r.Findings
	if findings == nil {
		findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Breaking bool      `json:"breaking"`
		Findings []Finding `json:"findings"`
		InFlight *InFlight `json:"inFlight,omitempty"`
	}{r.Breaking(), findings, r.InFlight})
}
