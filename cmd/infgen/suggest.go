package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/infgen/infgen/parser/openapi"

	"github.com/infgen/infgen/ir"
)

// suggestFlagDoc is the help of --suggest-compensations.
const suggestFlagDoc = "list likely compensation pairs (POST /x ↔ DELETE /x/{id}, CreateX ↔ DeleteX/CancelX) with the declaration to add, and exit without generating"

// printSuggestions writes the likely compensation pairs of spec to w, each
// with the snippet that declares it; nothing is applied.
func printSuggestions(w io.Writer, spec *ir.Spec) {
	found := ir.SuggestCompensations(spec)
	if len(found) == 0 {
		fmt.Fprintln(w, "no likely compensation pairs found")
		return
	}
	for _, s := range found {
		if s.Method.HTTP != nil {
			printOpenAPISuggestion(w, s)
		} else {
			printProtoSuggestion(w, s)
		}
	}
}

func printOpenAPISuggestion(w io.Writer, s ir.CompensationSuggestion) {
	id, undo := operationID(s.Method), operationID(s.Undo)
	fmt.Fprintf(w, "%s: %s (%s) is likely undone by %s (%s); to declare it, add to the operation:\n",
		s.Method.Pos, id, s.Method.HTTP.Method+" "+s.Method.HTTP.Path, undo, s.Undo.HTTP.Method+" "+s.Undo.HTTP.Path)
	fmt.Fprintf(w, "      %s:\n        operationId: %s\n", "x-infgen-compensate", undo)
	if len(s.Args) > 0 {
		var args []string
		for _, a := range s.Args {
			args = append(args, a.Param+": "+a.Expr.Text)
		}
		fmt.Fprintf(w, "        args: {%s}\n", strings.Join(args, ", "))
	}
	fmt.Fprintln(w)
}

// operationID is the method's operationId, or its Go name when it has none.
func operationID(m ir.Method) string {
	if m.HTTP != nil && m.HTTP.OperationID != "" {
		return m.HTTP.OperationID
	}
	return m.Name
}

func printProtoSuggestion(w io.Writer, s ir.CompensationSuggestion) {
	fmt.Fprintf(w, "%s: %s.%s is likely undone by %s; to declare it, import \"infgen/options.proto\" and add to the rpc:\n",
		s.Method.Pos, s.Service, s.Method.Name, s.Undo.Name)
	fmt.Fprintf(w, "    option (infgen.compensate) = {method: %q args: {key: \"<field of %s's request>\" value: \"$response.body#/<field>\"}};\n\n",
		s.Undo.Name, s.Undo.Name)
}

// compensationHint points an error in a declared compensation at
// --suggest-compensations and the docs; other errors are returned as they are.
func compensationHint(err error) error {
	if msg := err.Error(); strings.Contains(msg, openapi.CompensateExtension) || strings.Contains(msg, "(infgen.compensate)") {
		return withHint(err, "the same command with --suggest-compensations lists the likely pairs and what to declare; see docs/sagas.md")
	}
	return err
}
