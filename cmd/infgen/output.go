package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"github.com/infgen/infgen/generator"
)

// writeOutput writes files into dir atomically: everything is written into a
// temporary directory next to dir, and only when all succeeded is dir
// replaced by it. On any error dir is left untouched. Go files must come
// gofmt'd (generator.Generate formats with go/format); a Go file that does
// not parse is an error rather than written.
//
// An existing dir is replaced only if it holds nothing but regular files (a
// previous output); files in it that are not generated are removed.
func writeOutput(dir string, files []generator.File) error {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create parent of output directory %s: %w", dir, err)
	}
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("output %s exists and is not a directory", dir)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("read output directory: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				return fmt.Errorf("output directory %s contains a subdirectory %s: refusing to replace it; choose an empty or generated directory", dir, e.Name())
			}
		}
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
