package contract_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/infgen/infgen/contract"
)

// point encodes a routeguide.Point{latitude, longitude} as recorded.
func point(lat, lng uint64) []byte {
	b := protowire.AppendTag(nil, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, lat)
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	return protowire.AppendVarint(b, lng)
}

func TestProtoPayloadsRenumberedField(t *testing.T) {
	newFile := variant(t, routeGuide, "route_guide.proto", "int32 longitude = 2;", "int32 longitude = 3;")
	p, err := contract.ProtoPayloads(t.Context(), nil, routeGuide, newFile)
	require.NoError(t, err)
	feature := append(protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "hill"),
		protowire.AppendBytes(protowire.AppendTag(nil, 2, protowire.BytesType), point(3, 4))...)
	r := p.Check([]contract.Task{
		{Workflow: "w-1", WorkflowName: "trip", Seq: 2, Service: "routeguide.RouteGuide", Method: "GetFeature", Codec: "proto",
			Input: point(1, 2), Answered: true, Output: feature},
		{Workflow: "w-2", WorkflowName: "trip", Seq: 0, Service: "routeguide.RouteGuide", Method: "GetFeature", Codec: "proto",
			Input: point(1, 0)[:2]}, // latitude alone: fits
		{Workflow: "w-3", Service: "other.Service", Method: "X", Input: []byte("junk")}, // not this file's
	})
	require.Len(t, r.Findings, 2, "%+v", r.Findings)
	require.Equal(t, "workflow w-1 (trip) step 2 routeguide.RouteGuide.GetFeature", r.Findings[0].Operation)
	require.Equal(t, "w-1", r.Findings[0].Workflow)
	require.Equal(t, 2, r.Findings[0].Step)
	require.Contains(t, r.Findings[0].Message, "the recorded request of /routeguide.RouteGuide/GetFeature: routeguide.Point: holds field number(s) 2")
	require.Contains(t, r.Findings[1].Message, "the recorded response of /routeguide.RouteGuide/GetFeature: routeguide.Feature.location: holds field number(s) 2")
}

func TestProtoPayloadsDeletedMethodAndEnumValue(t *testing.T) {
	newFile := variant(t, routeGuide, "route_guide.proto",
		"rpc GetFeature(Point) returns (Feature) {}", "",
		"message Point {\n", "enum Dir {\n  DIR_UNKNOWN = 0;\n}\nmessage Point {\n  Dir dir = 3;\n")
	oldFile := variant(t, routeGuide, "route_guide.proto",
		"message Point {\n", "enum Dir {\n  DIR_UNKNOWN = 0;\n  DIR_N = 1;\n}\nmessage Point {\n  Dir dir = 3;\n")
	p, err := contract.ProtoPayloads(t.Context(), nil, oldFile, newFile)
	require.NoError(t, err)
	withDir := protowire.AppendVarint(protowire.AppendTag(point(1, 2), 3, protowire.VarintType), 1)
	r := p.Check([]contract.Task{
		{Workflow: "w-1", Service: "routeguide.RouteGuide", Method: "GetFeature", Codec: "proto", Input: point(1, 2)},
		{Workflow: "w-2", Service: "routeguide.RouteGuide", Method: "RecordRoute", Codec: "proto", Input: withDir},
	})
	require.Len(t, r.Findings, 2, "%+v", r.Findings)
	require.Contains(t, r.Findings[0].Message, "the new file has no method GetFeature")
	require.Contains(t, r.Findings[1].Message, "routeguide.Point.dir: holds 1, which enum routeguide.Dir no longer defines")
}

func TestOpenAPIPayloadsNewRequiredParameter(t *testing.T) {
	newSpec := variant(t, petstore, "new.yml", "        - name: limit\n          in: query\n          description: maximum number of results to return\n          required: false\n",
		"        - name: limit\n          in: query\n          description: maximum number of results to return\n          required: true\n")
	p, err := contract.OpenAPIPayloads(t.Context(), petstore, newSpec)
	require.NoError(t, err)
	r := p.Check([]contract.Task{
		{Workflow: "w-1", Service: "SwaggerPetstore", Method: "FindPets", Codec: "json", Input: []byte(`{"tags":["a"]}`)},
		{Workflow: "w-2", Service: "SwaggerPetstore", Method: "FindPets", Codec: "json", Input: []byte(`{"limit":5}`)},
		{Workflow: "w-3", Service: "SwaggerPetstore", Method: "FindPets", Codec: "json", Input: []byte(`{"limit":"five"}`)},
	})
	require.Len(t, r.Findings, 2, "%+v", r.Findings)
	require.Equal(t, `the query parameter "limit" of GET /pets is required and absent from the recorded input`, r.Findings[0].Message)
	require.Equal(t, "w-3", r.Findings[1].Workflow)
	require.Contains(t, r.Findings[1].Message, `the recorded query parameter "limit" of GET /pets does not fit its new schema`)
}

func TestOpenAPIPayloadsRecordedAnswers(t *testing.T) {
	newSpec := variant(t, petstore, "new.yml",
		"          required:\n          - id\n", "          required:\n          - id\n          - tag\n",
		"      responses:\n        '204':\n          description: pet deleted\n", "      responses:\n        '202':\n          description: deletion accepted\n")
	p, err := contract.OpenAPIPayloads(t.Context(), petstore, newSpec)
	require.NoError(t, err)
	r := p.Check([]contract.Task{
		{Workflow: "w-1", Service: "SwaggerPetstore", Method: "FindPetByID", Input: []byte(`{"id":7}`), Answered: true,
			Output: []byte(`{"statusCode":200,"body200":{"id":7,"name":"rex"}}`)},
		{Workflow: "w-2", Service: "SwaggerPetstore", Method: "FindPetByID", Input: []byte(`{"id":7}`), Answered: true,
			Output: []byte(`{"statusCode":200,"body":{"id":7,"name":"rex","tag":"dog"}}`)},
		{Workflow: "w-3", Service: "SwaggerPetstore", Method: "DeletePet", Input: []byte(`{"id":7}`), Answered: true,
			Output: []byte(`{"statusCode":204}`)},
		{Workflow: "w-4", Service: "SwaggerPetstore", Method: "DeletePet", Input: []byte(`{"id":7}`)}, // not answered yet
	})
	require.Len(t, r.Findings, 2, "%+v", r.Findings)
	require.Equal(t, "w-1", r.Findings[0].Workflow)
	require.Contains(t, r.Findings[0].Message, `property "tag" is missing`)
	require.Equal(t, "w-3", r.Findings[1].Workflow)
	require.Equal(t, "the recorded answer of DELETE /pets/{id} has status 204, which the new document no longer declares", r.Findings[1].Message)
}
