package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/service"
)

// TestServicesFromDescriptor: the scaffold takes each service of a
// generated package from its descriptor, gRPC or HTTP.
func TestServicesFromDescriptor(t *testing.T) {
	t.Parallel()
	p := goPackage{ImportPath: "example.com/features", Name: "features"}
	svcs, err := servicesOf(p, service.PackageDescriptor{Services: []service.ServiceDescriptor{
		{Name: "infgen.test.v1.Audit", Binding: "grpc", Register: "RegisterAudit", NewClient: "NewAuditGRPCClient"},
		{Name: "Pets", Binding: "http", Register: "Register", NewClient: "NewHTTPClient"},
	}})
	require.NoError(t, err)
	require.Equal(t, []scaffoldService{
		{pkg: p, name: "infgen.test.v1.Audit", register: "RegisterAudit", newClient: "NewAuditGRPCClient", grpc: true},
		{pkg: p, name: "Pets", register: "Register", newClient: "NewHTTPClient"},
	}, svcs)
	svcs[0].key = "featuresAudit"
	require.Equal(t, "INFGEN_FEATURES_AUDIT_URL", svcs[0].envURL())
	_, err = servicesOf(p, service.PackageDescriptor{})
	require.ErrorContains(t, err, "has no generated service")
}

// TestFindDefinition: --workflow names a workflow.Ref variable or a function
// returning a workflow.Definition; the scaffold registers each as it must.
func TestFindDefinition(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := `package monthly

var Workflow, other = define(), 1

func Definition() any { return nil }
func WithArgs(x int) any { return nil }
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "monthly.go"), []byte(src), 0o644))
	p := goPackage{ImportPath: "example.com/monthly", Name: "monthly", Dir: dir}
	isVar, err := findDefinition(p, "Workflow")
	require.NoError(t, err)
	require.True(t, isVar)
	require.Equal(t, "Workflow", scaffoldWorkflow{name: "Workflow", isVar: true}.expr())
	isVar, err = findDefinition(p, "Definition")
	require.NoError(t, err)
	require.False(t, isVar)
	require.Equal(t, "Definition()", scaffoldWorkflow{name: "Definition"}.expr())
	_, err = findDefinition(p, "WithArgs")
	require.ErrorContains(t, err, "must take no arguments")
	_, err = findDefinition(p, "Missing")
	require.ErrorContains(t, err, "has no variable or function Missing")
}
