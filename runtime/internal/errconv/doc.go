// Package errconv converts between recorded errors (history.Error) and the
// typed errors of package failure.
package errconv
