package proto

import "strings"

// importHint tells where a commonly imported third-party .proto file is
// found, for the "not found" error: which Go module ships it and which
// directory of that module to add with -I. "" when the file is not one of
// them.
func importHint(name string) string {
	type hint struct{ prefix, module, dir string }
	for _, h := range []hint{
		{"gogoproto/", "github.com/gogo/protobuf (or github.com/cosmos/gogoproto)", "the module's root"},
		{"github.com/gogo/protobuf/", "github.com/gogo/protobuf", "a directory holding github.com/gogo/protobuf as a link to the module"},
		{"validate/validate.proto", "github.com/envoyproxy/protoc-gen-validate", "the module's root"},
		{"buf/validate/", "github.com/bufbuild/protovalidate", "its proto/protovalidate directory"},
		{"protoc-gen-openapiv2/", "github.com/grpc-ecosystem/grpc-gateway/v2", "the module's root"},
		{"cosmos_proto/", "github.com/cosmos/cosmos-proto", "its proto directory"},
		{"amino/", "github.com/cosmos/cosmos-sdk", "its proto directory"},
		{"tendermint/", "github.com/cosmos/cosmos-sdk or github.com/cometbft/cometbft", "its proto directory"},
		{"github.com/planetscale/vtprotobuf/", "github.com/planetscale/vtprotobuf", "its include directory"},
		{"udpa/", "github.com/cncf/xds", "the repository's root (the Go module ships no .proto files)"},
		{"xds/", "github.com/cncf/xds", "the repository's root (the Go module ships no .proto files)"},
		{"envoy/", "github.com/envoyproxy/data-plane-api", "the repository's root (go-control-plane ships no .proto files)"},
		{"k8s.io/", "the k8s.io module named by the path (k8s.io/api, k8s.io/apimachinery, …)", "a directory holding k8s.io/<module> as links to the modules"},
	} {
		if strings.HasPrefix(name, h.prefix) {
			return "it is shipped by " + h.module + "; `go mod download -json MODULE` prints the module's Dir: add " + h.dir + " with -I"
		}
	}
	return ""
}
