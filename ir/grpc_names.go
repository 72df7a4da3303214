package ir

// Names the gRPC generator derives. A proto package may declare several
// services, so when a Spec has more than one service every package-level
// name is prefixed with the service's Name; with exactly one service the
// names match the OpenAPI packages (ServiceName, Register, …).

// GRPCNames are the package-level identifiers generated for one gRPC
// service.
type GRPCNames struct {
	// ServiceName is the constant holding the routed service name.
	ServiceName string
	// Register registers an implementation in a worker.
	Register string
	// Client is the type implementing the service over a gRPC connection,
	// NewClient its constructor.
	Client    string
	NewClient string
}

// GRPCServiceNames returns the names generated for service, given how many
// services the Spec has.
func GRPCServiceNames(service string, services int) GRPCNames {
	if services == 1 {
		return GRPCNames{ServiceName: "ServiceName", Register: "Register", Client: "GRPCClient", NewClient: "NewGRPCClient"}
	}
	return GRPCQualifiedNames(service)
}

// GRPCNamesOf returns the names generated for service in spec: qualified
// when the spec has several services or ProtoFiles.QualifiedNames says so.
func GRPCNamesOf(spec *Spec, service string) GRPCNames {
	if spec.Proto != nil && spec.Proto.QualifiedNames {
		return GRPCQualifiedNames(service)
	}
	return GRPCServiceNames(service, len(spec.Services))
}

// GRPCQualifiedNames returns the names of service prefixed (or suffixed)
// with its Name, as used when one package holds several services.
func GRPCQualifiedNames(service string) GRPCNames {
	return GRPCNames{
		ServiceName: service + "ServiceName",
		Register:    "Register" + service,
		Client:      service + "GRPCClient",
		NewClient:   "New" + service + "GRPCClient",
	}
}

// List returns the names as a slice, for Scope.Reserve.
func (n GRPCNames) List() []string {
	return []string{n.ServiceName, n.Register, n.Client, n.NewClient}
}

// GRPCFixedNames are the package-level identifiers a generated gRPC package
// declares, besides the per-service ones, when it has server-streaming
// methods.
func GRPCFixedNames() []string {
	return []string{"MaxStreamMessages", "MaxStreamBytes"}
}
