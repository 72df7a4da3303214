package templates

import (
	"bytes"
	"embed"
	"fmt"
	"text/template"
)

//go:embed worker/*.tmpl
var workerFiles embed.FS

// File is a rendered file.
type File struct {
	// Name is the file name in the output directory.
	Name    string
	Content []byte
}

// Worker describes a scaffolded worker, for its templates.
type Worker struct {
	// Name is the binary's name, e.g. "billing-worker".
	Name string
	// Dir is the worker's directory relative to the module root, with
	// slashes (the Dockerfile builds ./Dir from the module root).
	Dir string
	// GoVersion is the Go version of the build image, e.g. "1.26".
	GoVersion string
	// Command is the infgen command line that scaffolded the worker.
	Command string
	// Services are the hosted services, in registration order.
	Services []Service
	// Workflows are the registered workflow definitions, as Go
	// expressions: "import/path.Var" (a workflow.Ref) or
	// "import/path.Func()".
	Workflows []string
}

// Service is one service a worker hosts.
type Service struct {
	// Key names the service in the configuration file (the Go package name).
	Key string
	// Name is the name tasks are routed by (the package's ServiceName).
	Name string
	// ImportPath is the generated package.
	ImportPath string
	// GRPC is true for a gRPC service (URL is host:port), false for HTTP
	// (URL is a base URL).
	GRPC bool
	// EnvURL is the environment variable overriding the URL.
	EnvURL string
}

// workerTemplates maps each template to the file it renders.
var workerTemplates = []struct{ template, file string }{
	{"worker/worker.yaml.tmpl", "worker.yaml"},
	{"worker/Dockerfile.tmpl", "Dockerfile"},
	{"worker/README.md.tmpl", "README.md"},
}

// RenderWorker renders the configuration file, Dockerfile and README of a
// worker.
func RenderWorker(w Worker) ([]File, error) {
	out := make([]File, 0, len(workerTemplates))
	for _, t := range workerTemplates {
		tmpl, err := template.ParseFS(workerFiles, t.template)
		if err != nil {
			return nil, fmt.Errorf("templates: parse %s: %w", t.template, err)
		}
		var b bytes.Buffer
		if err := tmpl.Execute(&b, w); err != nil {
			return nil, fmt.Errorf("templates: render %s: %w", t.template, err)
		}
		out = append(out, File{Name: t.file, Content: b.Bytes()})
	}
	return out, nil
}
