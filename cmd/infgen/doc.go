// Command infgen generates typed service packages, workers and workflow
// stubs from the API descriptions a company already has.
//
//	infgen generate openapi SPEC --out DIR [--package NAME]
//	infgen generate proto [-I DIR]... --out DIR [--package NAME] FILE.proto...
//	infgen generate grpc-reflect ADDR --out DIR
//	infgen init worker --out DIR --package IMPORTPATH...
//	infgen workflow start|result|list|describe|state|signal|cancel|retry|restart ...
//	infgen dead-letters list|redrive|drop ...
//	infgen check openapi|proto OLD NEW [--db FILE | --admin ADDR]
//	infgen check replay --workflow IMPORT_PATH.Name [--db FILE | --admin ADDR]
//
// Each generated package holds the API's types, a service interface, its
// HTTP or gRPC implementation, registration into a runtime worker and a
// workflow stub. Errors in the input are reported as file:line:col and make
// the command exit with status 1 without touching the output directory.
// See docs/generate-openapi.md and docs/generate-proto.md.
//
// The workflow and dead-letters commands operate the workflows those
// workers run, on the backends the environment selects (docs/operations.md).
//
// The check commands say whether a new version of a spec breaks its callers
// or the workflows in flight, and whether new workflow code replays their
// histories; they exit 1 when it breaks, 2 when they cannot run
// (docs/check.md).
package main
