package main

import (
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		printError(os.Stderr, err)
		os.Exit(exitCode(err))
	}
}
