package protogo

import "strings"

// buildableName returns base (an output file name without ".pb.go") changed,
// if needed, so that the Go tool compiles the file on every platform:
// names starting with '_' or '.' are ignored by the Go tool, and a name
// whose part before the first '.' ends in _GOOS, _GOARCH or _GOOS_GOARCH
// (optionally followed by _test) builds on that platform only. Both are
// legal .proto file names ("_internal.proto", "api_windows.proto"), and
// the service code of the package needs their messages everywhere.
func buildableName(base string) string {
	if strings.HasPrefix(base, "_") || strings.HasPrefix(base, ".") {
		base = "proto" + base
	}
	stem, rest, dotted := strings.Cut(base, ".")
	if !platformConstrained(stem) {
		return base
	}
	if dotted {
		rest = "." + rest
	}
	return stem + "_proto" + rest
}

// platformConstrained applies go/build's file name rule to stem, the part
// of a file name before its first '.'.
func platformConstrained(stem string) bool {
	i := strings.Index(stem, "_")
	if i < 0 {
		return false
	}
	l := strings.Split(stem[i:], "_")
	if n := len(l); l[n-1] == "test" {
		l = l[:n-1]
	}
	n := len(l)
	if n >= 2 && knownOS(l[n-2]) && knownArch(l[n-1]) {
		return true
	}
	return n >= 1 && (knownOS(l[n-1]) || knownArch(l[n-1]))
}

// knownOS reports whether s is a GOOS value go/build knows (its syslist).
func knownOS(s string) bool {
	switch s {
	case "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
		"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos":
		return true
	}
	return false
}

// knownArch reports whether s is a GOARCH value go/build knows (its
// syslist).
func knownArch(s string) bool {
	switch s {
	case "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64",
		"mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le",
		"ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm":
		return true
	}
	return false
}
