// Command infgen generates typed service packages, workers and workflow
// stubs from the API descriptions a company already has.
//
//	infgen generate openapi SPEC --out DIR [--package NAME]
//	infgen generate proto [-I DIR]... --out DIR [--package NAME] FILE.proto...
//	infgen generate grpc-reflect ADDR --out DIR
//	infgen init worker --out DIR --package IMPORTPATH...
//	infgen workflow start|result|list|describe|state|signal|cancel|retry|restart ...
//	infgen dead-letters list|redrive|drop ...
//
// Each generated package holds the API's types, a service interface, its
// HTTP or gRPC implementation, registration into a runtime worker and a
// workflow stub. Errors in the input are reported as file:line:col and make
// the command exit with status 1 without touching the output directory.
// See docs/generate-openapi.md and docs/generate-proto.md.
//
// The workflow and dead-letters commands operate the workflows those
// workers run, on the backends the environment selects (docs/operations.md).
package main
