// Package features holds the behaviour tests of the proto-features golden
// case: the package generated in expected/ from input/*.proto is exercised
// against a real grpc-go server on loopback (metadata, deadlines, status
// code classification, google.rpc.RetryInfo, server streams and their
// bounds, server reflection) and, through a worker, from a workflow.
package features
