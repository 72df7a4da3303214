package contract_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/contract"
)

const routeGuide = "/work/shared/specs/proto/grpc-examples/examples/route_guide/routeguide/route_guide.proto"

func TestProtoSameFileHasNoFindings(t *testing.T) {
	r, err := contract.Proto(t.Context(), nil, routeGuide, routeGuide)
	require.NoError(t, err)
	require.Empty(t, r.Findings)
}

func TestProtoRenumberedFieldBreaks(t *testing.T) {
	newFile := variant(t, routeGuide, "route_guide.proto", "int32 longitude = 2;", "int32 longitude = 3;")
	r, err := contract.Proto(t.Context(), nil, routeGuide, newFile)
	require.NoError(t, err)
	require.True(t, r.Breaking())
	got := find(r, "FIELD_NO_DELETE")
	require.Len(t, got, 1, "%+v", r.Findings)
	require.Equal(t, "routeguide.Point", got[0].Operation)
	require.Contains(t, got[0].Message, `"longitude" was renumbered from 2 to 3`)
	require.Equal(t, newFile, got[0].Location.File)
	require.Positive(t, got[0].Location.Line)
	require.Empty(t, find(r, "FIELD_ADDED"), "a renumbered field is not also an added one")
}

func TestProtoMethodChanges(t *testing.T) {
	newFile := variant(t, routeGuide, "route_guide.proto",
		"rpc GetFeature(Point) returns (Feature) {}", "",
		"rpc ListFeatures(Rectangle) returns (stream Feature) {}", "rpc ListFeatures(Rectangle) returns (Feature) {}",
		"rpc RouteChat(stream RouteNote) returns (stream RouteNote) {}", "rpc RouteChat(stream RouteNote) returns (stream RouteNote) {}\n  rpc Ping(Point) returns (Point) {}")
	r, err := contract.Proto(t.Context(), nil, routeGuide, newFile)
	require.NoError(t, err)
	del := find(r, "RPC_NO_DELETE")
	require.Len(t, del, 1, "%+v", r.Findings)
	require.Equal(t, "routeguide.RouteGuide/GetFeature", del[0].Operation)
	require.Equal(t, routeGuide, del[0].Location.File, "a deleted method is located in the old file")
	require.Equal(t, 33, del[0].Location.Line)
	stream := find(r, "RPC_SAME_SERVER_STREAMING")
	require.Len(t, stream, 1, "%+v", r.Findings)
	require.Equal(t, "routeguide.RouteGuide/ListFeatures", stream[0].Operation)
	added := find(r, "RPC_ADDED")
	require.Len(t, added, 1)
	require.Equal(t, contract.Info, added[0].Severity)
	require.Equal(t, contract.Error, r.Findings[0].Severity, "errors come first")
}

func TestProtoFieldTypeAndMessageChanges(t *testing.T) {
	newFile := variant(t, routeGuide, "route_guide.proto",
		"int32 distance = 3;", "int64 distance = 3;",
		"string message = 2;", "string message = 2;\n  string author = 3;",
		"message Rectangle {", "message Box {",
		"rpc ListFeatures(Rectangle)", "rpc ListFeatures(Box)")
	r, err := contract.Proto(t.Context(), nil, routeGuide, newFile)
	require.NoError(t, err)
	typ := find(r, "FIELD_SAME_TYPE")
	require.Len(t, typ, 1, "%+v", r.Findings)
	require.Contains(t, typ[0].Message, "from int32 to int64")
	require.Len(t, find(r, "MESSAGE_NO_DELETE"), 1)
	require.Len(t, find(r, "RPC_SAME_REQUEST_TYPE"), 1)
	require.Len(t, find(r, "FIELD_ADDED"), 1)
	require.Equal(t, contract.Info, find(r, "FIELD_ADDED")[0].Severity)
}

func TestProtoEnumAndRequiredField(t *testing.T) {
	dir := t.TempDir()
	const src = `syntax = "proto2";
package shop;
enum Size {
  SIZE_UNKNOWN = 0;
  SIZE_S = 1;
  SIZE_M = 2;
  SIZE_L = 3;
}
message Order {
  optional string id = 1;
  optional Size size = 2;
}
service Shop {
  rpc Place(Order) returns (Order);
}
`
	oldFile := filepath.Join(dir, "old", "shop.proto")
	require.NoError(t, os.MkdirAll(filepath.Dir(oldFile), 0o755))
	require.NoError(t, os.WriteFile(oldFile, []byte(src), 0o644))
	newFile := variant(t, oldFile, "shop.proto",
		"  SIZE_L = 3;\n", "",
		"SIZE_M = 2;", "SIZE_MEDIUM = 2;",
		"optional Size size = 2;", "optional Size size = 2;\n  required string customer = 3;")
	r, err := contract.Proto(t.Context(), nil, oldFile, newFile)
	require.NoError(t, err)
	require.True(t, r.Breaking())
	require.Len(t, find(r, "ENUM_VALUE_NO_DELETE"), 1, "%+v", r.Findings)
	require.Len(t, find(r, "ENUM_VALUE_SAME_NAME"), 1)
	req := find(r, "FIELD_ADDED_REQUIRED")
	require.Len(t, req, 1)
	require.Equal(t, contract.Location{File: newFile, Line: 11, Column: 3}, req[0].Location)
}

func TestProtoCompileErrorIsPositioned(t *testing.T) {
	bad := variant(t, routeGuide, "route_guide.proto", "int32 latitude = 1;", "int32 latitude = ;")
	_, err := contract.Proto(t.Context(), nil, routeGuide, bad)
	require.ErrorContains(t, err, "route_guide.proto:")
}
