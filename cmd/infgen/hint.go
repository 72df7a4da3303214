package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// hintError is an error with the one obvious fix, printed on its own line.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

// withHint attaches a hint to err (nil stays nil).
func withHint(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &hintError{err: err, hint: fmt.Sprintf(format, args...)}
}

// printError writes err the one way infgen reports failures:
//
//	infgen: <what failed>: <why>
//	hint: <what to do>
func printError(w io.Writer, err error) {
	msg := strings.TrimRight(err.Error(), "\n")
	msg = strings.TrimPrefix(msg, "infgen: ")
	fmt.Fprintln(w, "infgen:", msg)
	var h *hintError
	if errors.As(err, &h) && h.hint != "" {
		fmt.Fprintln(w, "hint:", h.hint)
	}
}
