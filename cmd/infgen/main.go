// Command infgen generates typed service packages, workers and workflow
// stubs from OpenAPI documents and .proto files.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "infgen:", err)
		os.Exit(1)
	}
}
