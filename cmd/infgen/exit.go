package main

import (
	"errors"
	"fmt"
)

// Exit statuses: 1 for a failed command (and for `infgen check`, a breaking
// change), 2 for `infgen check`'s usage and input errors, so that CI can
// tell "the change breaks" from "the check could not run".
const (
	exitFailure = 1
	exitUsage   = 2
)

// exitError is an error that makes main exit with its code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withExit gives err an exit status (nil stays nil; an error that already
// has one keeps it).
func withExit(code int, err error) error {
	var has *exitError
	if err == nil || errors.As(err, &has) {
		return err
	}
	return &exitError{code: code, err: err}
}

// usageError is a usage error of a check command, exiting with status 2.
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// exitCode is the status main exits with for err.
func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitFailure
}
