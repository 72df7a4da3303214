//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package embedded

import (
	"os"
	"syscall"
)

// mapFile maps the file read-only for the check: one page fault where
// reading would take one system call per page. A file smaller than what
// the check reads is caught by its bounds checks; one truncated meanwhile by
// another program faults, which check recovers from.
// Where mapping fails, the file is read.
func mapFile(f *os.File, size int64) (source, func()) {
	if size <= 0 || int64(int(size)) != size {
		return readerSource{f}, func() {}
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return readerSource{f}, func() {}
	}
	return bytesSource(data), func() { _ = syscall.Munmap(data) }
}
