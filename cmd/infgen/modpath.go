package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// outputImportPath is the Go import path a package written to dir will
// have: the module path of the nearest go.mod above dir joined with dir's
// path inside that module. It is "" when no go.mod is found, its module
// line cannot be read, or the result is no valid import path.
func outputImportPath(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for root := abs; ; root = filepath.Dir(root) {
		content, err := os.ReadFile(filepath.Join(root, "go.mod"))
		if err == nil {
			mod := modulePath(string(content))
			rel, rerr := filepath.Rel(root, abs)
			if mod == "" || rerr != nil {
				return ""
			}
			path := mod
			if rel != "." {
				path += "/" + filepath.ToSlash(rel)
			}
			if !validImportPath(path) {
				return ""
			}
			return path
		}
		if filepath.Dir(root) == root {
			return ""
		}
	}
}

// modulePath reads the module line of a go.mod file.
func modulePath(gomod string) string {
	for _, line := range strings.Split(gomod, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t' && rest[0] != '"') {
			continue
		}
		rest = strings.TrimSpace(rest)
		if unq, err := strconv.Unquote(rest); err == nil {
			return unq
		}
		return rest
	}
	return ""
}

// validImportPath reports whether path only has the characters Go allows
// in import paths of modules (so that it can also be passed on to
// protoc-gen-go's options, where ',', '=' and ';' are separators).
func validImportPath(path string) bool {
	if path == "" {
		return false
	}
	for _, r := range path {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("-._~/+", r):
		default:
			return false
		}
	}
	return true
}
