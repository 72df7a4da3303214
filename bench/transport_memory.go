package main

import (
	"github.com/infgen/infgen/runtime/transport"
	"github.com/infgen/infgen/runtime/transport/memory"
)

// openMemoryTransport returns the in-process transport of the embedded default.
func openMemoryTransport() (transport.Transport, [][2]string, error) {
	return memory.New(), [][2]string{{"transport", "memory"}}, nil
}
