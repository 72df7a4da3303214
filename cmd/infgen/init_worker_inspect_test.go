package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFindServicesInMultiServicePackage: a proto package with several
// services prefixes every name with the service; each service is found
// with its own client constructor and routed name, and functions that only
// look like registrations are ignored.
func TestFindServicesInMultiServicePackage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := `package features

const AuditServiceName = "infgen.test.v1.Audit"
const (
	Inventory2ServiceName = "infgen.test.v1.Inventory"
	other                 = 3
)

func RegisterAudit(w, impl any) error          { return nil }
func NewAuditGRPCClient(conn any) any          { return nil }
func RegisterInventory2(w, impl any) error     { return nil }
func NewInventory2GRPCClient(conn any) any     { return nil }
func RegisterHelpers()                         {}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "features.go"), []byte(src), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "features_test.go"), []byte("package features\nfunc RegisterFake() {}\n"), 0o644))
	p := goPackage{ImportPath: "example.com/features", Name: "features", Dir: dir}
	svcs, err := findServices(p)
	require.NoError(t, err)
	require.Len(t, svcs, 2)
	require.Equal(t, scaffoldService{pkg: p, name: "infgen.test.v1.Audit", register: "RegisterAudit", newClient: "NewAuditGRPCClient", grpc: true}, svcs[0])
	require.Equal(t, "infgen.test.v1.Inventory", svcs[1].name)

	svcs[0].key = "featuresAudit"
	require.Equal(t, "INFGEN_FEATURES_AUDIT_URL", svcs[0].envURL())
}

func TestFindServicesInHTTPPackage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := "package pets\n\nconst ServiceName = \"Pets\"\n\nfunc Register(w, impl any) error { return nil }\nfunc NewHTTPClient(base string) any { return nil }\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pets.go"), []byte(src), 0o644))
	svcs, err := findServices(goPackage{ImportPath: "example.com/pets", Name: "pets", Dir: dir})
	require.NoError(t, err)
	require.Len(t, svcs, 1)
	require.Equal(t, "Pets", svcs[0].name)
	require.Equal(t, "NewHTTPClient", svcs[0].newClient)
	require.False(t, svcs[0].grpc)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "pets.go"), []byte("package pets\n\nfunc Register(w, impl any) error { return nil }\nfunc NewHTTPClient(base string) any { return nil }\n"), 0o644))
	_, err = findServices(goPackage{ImportPath: "example.com/pets", Name: "pets", Dir: dir})
	require.ErrorContains(t, err, "has no ServiceName constant")
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
