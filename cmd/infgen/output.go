package main

import (
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/infgen/infgen/generator"
)

// writeOutput writes files into dir atomically: everything is written into a
// temporary directory next to dir, and only when all succeeded is dir
// replaced by it. On any error dir is left untouched. Go files must come
// gofmt'd (generator.Generate formats with go/format); a Go file that does
// not parse is an error rather than written.
//
// Files of an existing dir that are not generated (no "Code generated …
// DO NOT EDIT." line, such as a hand-written generate.go) and that the new
// output does not replace are carried over; stale generated files are
// dropped. A dir with subdirectories is never replaced.
func writeOutput(dir string, files []generator.File) error {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create parent of output directory %s: %w", dir, err)
	}
	keep, err := handWritten(dir, files)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("create temporary output directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, f := range files {
		if strings.HasSuffix(f.Name, ".go") {
			if _, err := parser.ParseFile(token.NewFileSet(), f.Name, f.Content, parser.PackageClauseOnly); err != nil {
				return fmt.Errorf("generated %s is not Go: %w", f.Name, err)
			}
		}
		if err := os.WriteFile(filepath.Join(tmp, f.Name), f.Content, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", f.Name, err)
		}
	}
	for _, name := range keep {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("keep hand-written %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return fmt.Errorf("keep hand-written %s: %w", name, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("set permissions of output directory: %w", err)
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("move previous output aside: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return fmt.Errorf("move output into place: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove previous output %s: %w", old, err)
		}
	}
	return nil
}

// handWritten lists the files of an existing output directory to carry
// over: regular files without a generated-code marker that the new output
// does not replace. It fails on a path that is not a directory or a
// directory holding subdirectories.
func handWritten(dir string, files []generator.File) ([]string, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("inspect output directory: %w", err)
	case !fi.IsDir():
		return nil, fmt.Errorf("output %s exists and is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read output directory: %w", err)
	}
	var keep []string
	for _, e := range entries {
		if e.IsDir() {
			return nil, fmt.Errorf("output directory %s contains a subdirectory %s: refusing to replace it; choose an empty or generated directory", dir, e.Name())
		}
		if slices.ContainsFunc(files, func(f generator.File) bool { return f.Name == e.Name() }) {
			continue
		}
		generated, err := isGenerated(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if !generated {
			keep = append(keep, e.Name())
		}
	}
	return keep, nil
}

// generatedMarker is Go's convention for generated files (go help generate).
var generatedMarker = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// isGenerated reports whether the start of a file carries the marker.
func isGenerated(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("inspect %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("inspect %s: %w", path, err)
	}
	return generatedMarker.Match(head[:n]), nil
}
