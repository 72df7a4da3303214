package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// compileConfig is the compile workload's flags.
type compileConfig struct {
	// Spec is the OpenAPI document to generate; Runs how many times its
	// package is compiled.
	Spec string
	Runs int
	// Root is the infgen module's directory (the runtime the package is
	// compiled against and the generator): default, the bench module's
	// replacement of it.
	Root string
	// Keep, when set, is where the generated module is written and kept.
	Keep string
}

func parseCompileFlags(args []string, usage io.Writer) (compileConfig, error) {
	var c compileConfig
	fs := flag.NewFlagSet("compile", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.StringVar(&c.Spec, "spec", "", "OpenAPI document to generate and compile (required)")
	fs.IntVar(&c.Runs, "runs", 3, "compiles of the generated package, each after a change to its doc.go")
	fs.StringVar(&c.Root, "root", "", "infgen module directory (default: the one the bench module uses)")
	fs.StringVar(&c.Keep, "keep", "", "write the generated module here and keep it (default: a temporary directory)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("compile: unexpected arguments %q", fs.Args())
	case c.Spec == "":
		return c, errors.New("compile: -spec is required (for GitHub's: npm pack @octokit/openapi@23.0.2, then -spec package/generated/api.github.com.json)")
	case c.Runs < 1:
		return c, fmt.Errorf("compile: -runs must be at least 1 (got %d)", c.Runs)
	}
	return c, nil
}

// compileResult is what the compile workload measured: generating the
// package once, then compiling it Runs times with everything else cached.
type compileResult struct {
	Spec        string
	Operations  int
	Generate    time.Duration
	GenerateRSS int64 // peak RSS of infgen generate, bytes
	Walls       []time.Duration
	RSS         []int64 // peak RSS of each go build (its largest process: the compiler), bytes
}

// Line formats the RESULT line: medians, with each run's figures.
func (r compileResult) Line() string {
	walls := slices.Clone(r.Walls)
	slices.Sort(walls)
	rss := slices.Clone(r.RSS)
	slices.Sort(rss)
	var runs []string
	for i := range r.Walls {
		runs = append(runs, fmt.Sprintf("%s/%dMiB", fmtDur(r.Walls[i]), r.RSS[i]>>20))
	}
	return fmt.Sprintf("RESULT workload=compile spec=%s operations=%d generate=%s generate_rss=%dMiB runs=%d wall=%s peak_rss=%dMiB max_rss=%dMiB each=%s",
		r.Spec, r.Operations, fmtDur(r.Generate), r.GenerateRSS>>20, len(r.Walls),
		fmtDur(walls[len(walls)/2]), rss[len(rss)/2]>>20, rss[len(rss)-1]>>20, strings.Join(runs, ","))
}

// compile generates cfg.Spec into a module of its own and compiles the
// package cfg.Runs times, as a user's go build would after changing it.
func compile(ctx context.Context, cfg compileConfig, log *slog.Logger) (compileResult, error) {
	res := compileResult{Spec: filepath.Base(cfg.Spec)}
	spec, err := filepath.Abs(cfg.Spec)
	if err != nil {
		return res, err
	}
	root := cfg.Root
	if root == "" {
		out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", "github.com/infgen/infgen").Output()
		if err != nil {
			return res, fmt.Errorf("compile: find the infgen module (pass -root): %w", err)
		}
		root = strings.TrimSpace(string(out))
	}
	if root, err = filepath.Abs(root); err != nil {
		return res, err
	}
	dir := cfg.Keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "infgen-compile-"); err != nil {
			return res, err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	gomod := "module benchcompile\n\ngo 1.26\n\nrequire github.com/infgen/infgen v0.0.0\n\nreplace github.com/infgen/infgen => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return res, err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return res, fmt.Errorf("compile: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		return res, err
	}
	infgen := filepath.Join(dir, "infgen")
	if _, _, err := runMeasured(ctx, root, "go", "build", "-o", infgen, "./cmd/infgen"); err != nil {
		return res, fmt.Errorf("compile: build infgen: %w", err)
	}
	log.Info("generating", "spec", spec)
	if res.Generate, res.GenerateRSS, err = runMeasured(ctx, dir, infgen, "generate", "openapi", spec, "--out", "./api"); err != nil {
		return res, fmt.Errorf("compile: generate: %w", err)
	}
	ops, err := os.ReadFile(filepath.Join(dir, "api", "http_operations.go"))
	if err != nil {
		return res, fmt.Errorf("compile: %w", err)
	}
	res.Operations = bytes.Count(ops, []byte("\nvar op"))
	if _, _, err := runMeasured(ctx, dir, "go", "mod", "tidy"); err != nil {
		return res, fmt.Errorf("compile: %w", err)
	}
	log.Info("compiling once to build the rest of the module", "operations", res.Operations)
	if _, _, err := runMeasured(ctx, dir, "go", "build", "./api"); err != nil {
		return res, fmt.Errorf("compile: first build: %w", err)
	}
	doc := filepath.Join(dir, "api", "doc.go")
	for i := range cfg.Runs {
		f, err := os.OpenFile(doc, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return res, err
		}
		_, err = fmt.Fprintf(f, "\n// run %d at %s\n", i+1, time.Now().Format(time.RFC3339Nano))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return res, err
		}
		wall, rss, err := runMeasured(ctx, dir, "go", "build", "./api")
		if err != nil {
			return res, fmt.Errorf("compile: run %d: %w", i+1, err)
		}
		log.Info("compiled", "run", i+1, "wall", wall, "peak_rss_mib", rss>>20)
		res.Walls, res.RSS = append(res.Walls, wall), append(res.RSS, rss)
	}
	return res, nil
}

// runMeasured runs a command in dir and returns its wall time and the peak
// RSS of the largest of its processes (the kernel's ru_maxrss of the
// child, which includes the descendants it waited for: /usr/bin/time's %M).
func runMeasured(ctx context.Context, dir, name string, args ...string) (time.Duration, int64, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return wall, 0, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, lastLines(out.String(), 20))
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	return wall, rss, nil
}

// lastLines is the end of a command's output, for an error.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
