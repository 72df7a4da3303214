package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/infgen/infgen/generator"
	"github.com/infgen/infgen/ir"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// newGenerateProtoCmds returns the proto subcommands of `infgen generate`:
// `proto` (from .proto files) and `grpc-reflect` (from a live server).
func newGenerateProtoCmds() []*cobra.Command {
	return []*cobra.Command{newGenerateProtoCmd(), newGenerateGRPCReflectCmd()}
}

// protoFlags are the output flags both proto subcommands share.
type protoFlags struct {
	out, pkg      string
	serviceConfig string
	// suggest lists likely compensations instead of generating, on stdout.
	suggest bool
	stdout  io.Writer
}

func (f *protoFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.out, "out", "", "output directory (required)")
	cmd.Flags().StringVar(&f.pkg, "package", "", "Go package name (default: derived from --out)")
	cmd.Flags().StringVar(&f.serviceConfig, "service-config", "",
		"gRPC service config JSON: its methodConfig timeouts and retryPolicy become the methods' task timeout and retry policy")
	cmd.Flags().BoolVar(&f.suggest, "suggest-compensations", false, suggestFlagDoc)
}

// check validates the flags before anything is read: --out is required
// unless the command only suggests compensations.
func (f *protoFlags) check(cmd *cobra.Command) error {
	f.stdout = cmd.OutOrStdout()
	if f.out == "" && !f.suggest {
		return errors.New(`required flag(s) "out" not set`)
	}
	return validatePackage(f.pkg)
}

// packageName is --package, else the base name of --out as a package name.
func (f *protoFlags) packageName() string {
	if f.pkg != "" {
		return f.pkg
	}
	abs, err := filepath.Abs(f.out)
	if err != nil {
		abs = f.out
	}
	return ir.PackageName(filepath.Base(abs))
}

// newGenerateProtoCmd builds `infgen generate proto [-I DIR]... --out DIR FILE.proto...`.
func newGenerateProtoCmd() *cobra.Command {
	var (
		flags           protoFlags
		importPaths     []string
		generateImports bool
		goPackages      []string
	)
	cmd := &cobra.Command{
		Use:   "proto [-I DIR]... --out DIR [--package NAME] [--go-package FILE=PATH]... [--generate-imports] [--service-config FILE] FILE.proto...",
		Short: "Generate a Go service package from .proto files (no protoc needed)",
		Long: "Compiles the .proto files in-process, emits the protoc-gen-go message code\n" +
			"and, for every gRPC service they declare, the service interface, a gRPC client,\n" +
			"worker registration and workflow stubs. Imports are resolved against the -I\n" +
			"directories first; google/protobuf/* and the common googleapis files\n" +
			"(google/api, rpc, type, logging/type, longrunning, iam/v1, cloud/location)\n" +
			"are built in.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := flags.check(cmd); err != nil {
				return err
			}
			mapping, err := parseGoPackages(goPackages)
			if err != nil {
				return err
			}
			spec, err := protoparser.Load(cmd.Context(), protoparser.Params{
				ImportPaths:     importPaths,
				Files:           args,
				Package:         flags.packageName(),
				GoImportPath:    outputImportPath(flags.out),
				GenerateImports: generateImports,
				GoPackages:      mapping,
			})
			if err != nil {
				return compensationHint(err)
			}
			return generateProto(spec, flags, "infgen generate proto "+strings.Join(cmd.Flags().Args(), " "))
		},
	}
	cmd.Flags().StringArrayVarP(&importPaths, "proto_path", "I", nil, "directory to resolve imports in (repeatable; default: the files' directories, then the current directory)")
	cmd.Flags().StringArrayVar(&goPackages, "go-package", nil, "FILE=IMPORT_PATH[;NAME]: take the imported FILE (as imported) to declare this go_package, like protoc-gen-go's M option (repeatable)")
	cmd.Flags().BoolVar(&generateImports, "generate-imports", false, "also generate the imported files into the output package (for imports whose go_package cannot be imported), except Google's published ones (google.golang.org/..., cloud.google.com/go/...)")
	flags.register(cmd)
	return cmd
}

// newGenerateGRPCReflectCmd builds `infgen generate grpc-reflect ADDR --out DIR`.
func newGenerateGRPCReflectCmd() *cobra.Command {
	var (
		flags    protoFlags
		services []string
		useTLS   bool
		timeout  time.Duration
		genImps  bool
	)
	cmd := &cobra.Command{
		Use:   "grpc-reflect ADDR --out DIR [--package NAME] [--service NAME]... [--service-config FILE]",
		Short: "Generate a Go service package from a live gRPC server's reflection service",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := flags.check(cmd); err != nil {
				return err
			}
			creds := insecure.NewCredentials()
			if useTLS {
				creds = credentials.NewTLS(nil)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			spec, err := protoparser.Reflect(ctx, protoparser.ReflectParams{
				Addr:            args[0],
				DialOptions:     []grpc.DialOption{grpc.WithTransportCredentials(creds)},
				Services:        services,
				Package:         flags.packageName(),
				GoImportPath:    outputImportPath(flags.out),
				GenerateImports: genImps,
			})
			if err != nil {
				return err
			}
			return generateProto(spec, flags, "infgen generate grpc-reflect "+args[0])
		},
	}
	cmd.Flags().StringArrayVar(&services, "service", nil, "fully qualified service to generate (repeatable; default: all but reflection)")
	cmd.Flags().BoolVar(&genImps, "generate-imports", false, "also generate the files the services import into the output package (for imports whose go_package cannot be imported), except Google's published ones")
	cmd.Flags().BoolVar(&useTLS, "tls", false, "connect with TLS (system roots) instead of plaintext")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "how long to wait for the server")
	flags.register(cmd)
	return cmd
}

// parseGoPackages parses --go-package FILE=IMPORT_PATH values.
func parseGoPackages(values []string) (map[string]string, error) {
	out := make(map[string]string, len(values))
	for _, v := range values {
		file, goPackage, ok := strings.Cut(v, "=")
		if !ok || file == "" || goPackage == "" {
			return nil, fmt.Errorf("--go-package %q: want FILE=IMPORT_PATH (such as errorpb.proto=github.com/pingcap/kvproto/pkg/errorpb)", v)
		}
		out[file] = goPackage
	}
	return out, nil
}

// validatePackage rejects a --package that is not a Go package name.
func validatePackage(pkg string) error {
	if pkg != "" && ir.PackageName(pkg) != pkg {
		return fmt.Errorf("--package %q is not a valid Go package name (try %q)", pkg, ir.PackageName(pkg))
	}
	return nil
}

// generateProto logs the spec's warnings, generates and writes atomically.
func generateProto(spec *ir.Spec, flags protoFlags, command string) error {
	if flags.serviceConfig != "" {
		if err := protoparser.ApplyServiceConfig(spec, flags.serviceConfig); err != nil {
			return err
		}
	}
	for _, w := range spec.Warnings {
		slog.Warn(w.Message, "pos", w.Pos.String())
	}
	if flags.suggest {
		printSuggestions(flags.stdout, spec)
		return nil
	}
	files, err := generator.Generate(spec, generator.Options{Package: spec.Package, Command: command})
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errors.New("nothing generated")
	}
	if err := writeOutput(flags.out, files); err != nil {
		return fmt.Errorf("write %s: %w", flags.out, err)
	}
	slog.Info("generated", "package", spec.Package, "dir", flags.out, "files", len(files), "services", len(spec.Services))
	return nil
}
