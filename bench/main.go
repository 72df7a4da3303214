package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

const usage = `usage: go -C bench run . chain|long|park|compile [flags]   (go -C bench run . chain -h lists the flags)`

// run executes one benchmark command: the RESULT line goes to stdout,
// progress and logs to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no workload given\n%s", usage)
	}
	switch args[0] {
	case "chain":
		cfg, err := parseChainFlags(args[1:], stderr)
		if err != nil {
			return err
		}
		engineLevel := slog.LevelWarn
		if cfg.Verbose {
			engineLevel = slog.LevelInfo
		}
		progress := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
		engineLog := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: engineLevel}))
		stopProfile, err := startCPUProfile(cfg.CPUProfile)
		if err != nil {
			return err
		}
		res, err := chain(ctx, cfg, progress, engineLog)
		if perr := stopProfile(); perr != nil && err == nil {
			err = perr
		}
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, res.Line())
		return err
	case "long":
		cfg, err := parseLongFlags(args[1:], stderr)
		if err != nil {
			return err
		}
		engineLevel := slog.LevelWarn
		if cfg.Verbose {
			engineLevel = slog.LevelInfo
		}
		progress := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
		engineLog := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: engineLevel}))
		stopProfile, err := startCPUProfile(cfg.CPUProfile)
		if err != nil {
			return err
		}
		res, err := long(ctx, cfg, progress, engineLog)
		if perr := stopProfile(); perr != nil && err == nil {
			err = perr
		}
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, res.Line())
		return err
	case "park":
		cfg, err := parseParkFlags(args[1:], stderr)
		if err != nil {
			return err
		}
		progress := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
		res, err := park(ctx, cfg, progress)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, res.Line())
		return err
	case "compile":
		cfg, err := parseCompileFlags(args[1:], stderr)
		if err != nil {
			return err
		}
		progress := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
		res, err := compile(ctx, cfg, progress)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, res.Line())
		return err
	case "park-child":
		// The worker processes of the park workload (this binary, run again).
		return parkChild(ctx, args[1:], stdout, stderr)
	default:
		return fmt.Errorf("unknown workload %q\n%s", args[0], usage)
	}
}

// chain opens the engine, runs the chain workload and closes the engine.
// Progress goes to log, the engine's own messages to engineLog.
func chain(ctx context.Context, cfg chainConfig, log, engineLog *slog.Logger) (chainResult, error) {
	e, err := openEngine(ctx, cfg, engineLog)
	if err != nil {
		return chainResult{}, fmt.Errorf("chain: %w", err)
	}
	res, err := runChain(ctx, e, cfg, log)
	if cerr := e.Close(); cerr != nil {
		log.Warn("closing the engine failed", "engine", e.Name(), "err", cerr)
	}
	if err != nil {
		return res, fmt.Errorf("chain on %s: %w", e.Name(), err)
	}
	return res, nil
}

// startCPUProfile starts writing a CPU profile to path (nothing when path
// is empty) and returns the function that stops it.
func startCPUProfile(path string) (func() error, error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("cpu profile %s: %w", path, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("cpu profile %s: %w", path, err)
		}
		return nil
	}, nil
}
