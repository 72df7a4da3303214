// Package infgen holds infgen/options.proto, the options infgen reads from
// .proto files, and its protoc-gen-go code: (infgen.compensate) declares,
// on an rpc, the rpc that undoes it in a saga (see docs/sagas.md).
//
// A .proto file imports it as "infgen/options.proto"; infgen generate proto
// finds it without -I (the parser links this package). The generated code
// of such a file imports this package, as protoc-gen-go does for every
// import. It imports only the protobuf runtime, nothing of infgen.
//
// options.pb.go is generated:
//
//	go run ./cmd/infgen generate proto -I proto --out /tmp/options --package infgen proto/infgen/options.proto
//
// then copied here (TestOptionsCodeIsFresh in cmd/infgen checks it).
package infgen
