package ir

// StreamKind says which side of a gRPC method streams.
type StreamKind string

// gRPC streaming kinds.
const (
	StreamNone   StreamKind = "unary"
	StreamServer StreamKind = "server"
	StreamClient StreamKind = "client"
	StreamBidi   StreamKind = "bidi"
)

// GRPCBinding describes how a method is called over gRPC.
type GRPCBinding struct {
	// FullMethod is the gRPC method path, "/pkg.Service/Method".
	FullMethod string
	// Streaming is the streaming kind; only unary and server-streaming
	// methods become tasks. For a server-streaming method, Method.Output is
	// a message the parser synthesizes to collect the stream, whose one
	// repeated field is Messages.
	Streaming StreamKind
	// ProtoFile is the .proto file that declares the service.
	ProtoFile string
}

// ProtoFiles carries what protogen needs to emit the .pb.go message types,
// as plain data.
type ProtoFiles struct {
	// FileDescriptorSet is a serialized google.protobuf.FileDescriptorSet
	// holding every file needed (dependencies before dependents).
	FileDescriptorSet []byte
	// Generate lists the proto file names (as in the descriptor set) whose
	// Go code is generated into the output package, sorted.
	Generate []string
	// GoImportPath is the import path of the generated package, when known.
	GoImportPath string
	// GoPackages are the Go packages of the other files of the descriptor
	// set, in its order, as the parser resolved them (protoc-gen-go's
	// rules, go_package mappings applied). The message types of Method
	// Input and Output refer to these import paths; the generator emits
	// the .pb.go files with exactly these mappings.
	GoPackages []ProtoGoPackage
	// QualifiedNames makes a package with one service use the per-service
	// names (GRPCQualifiedNames), because a declaration of the message code
	// already has one of the single-service names (a message Register).
	QualifiedNames bool
}

// ProtoGoPackage is the Go package of one proto file that is not generated
// into the output package.
type ProtoGoPackage struct {
	// File is the proto file name, as in the descriptor set.
	File string
	// ImportPath and Name are its Go package's import path and name.
	ImportPath string
	Name       string
}
