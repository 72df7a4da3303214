package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/contract"
)

// The spec pairs of testdata/events change one thing each per operation or
// message: see the comments of the tests.
const (
	ordersV1      = "testdata/events/orders-v1.yaml"
	ordersV2      = "testdata/events/orders-v2.yaml"
	ordersProtoV1 = "testdata/events/proto/v1/orders.proto"
	ordersProtoV2 = "testdata/events/proto/v2/orders.proto"
)

// findOn returns the findings of a rule on an operation (or message).
func findOn(r *contract.Report, rule, op string) []contract.Finding {
	var out []contract.Finding
	for _, f := range find(r, rule) {
		if f.Operation == op {
			out = append(out, f)
		}
	}
	return out
}

func TestOpenAPIResponseChangesNameTheCompletedEvent(t *testing.T) {
	r, err := contract.OpenAPI(t.Context(), ordersV1, ordersV2)
	require.NoError(t, err)

	// Order.note, optional, is gone from the 201 of createOrder and the 200
	// of getOrder: oasdiff says info, but the completed events carry those
	// responses, and a subscriber reading note gets nothing.
	for op, event := range map[string]string{
		"POST /orders":     "Orders.CreateOrder.completed",
		"GET /orders/{id}": "Orders.GetOrder.completed",
	} {
		got := removed(r, op, "note")
		require.Len(t, got, 1, "%s: %+v", op, r.Findings)
		require.Equal(t, []string{event}, got[0].Events, op)
		require.Equal(t, contract.Warning, got[0].Severity, "raised from oasdiff's info: %s", op)
		require.Contains(t, got[0].Message, "event "+event+" carries this response as its data, and its subscribers decode it with the old schema")
	}

	// Order.total changed its type: an error already, with the events.
	got := findOn(r, "response-property-type-changed", "GET /orders/{id}")
	require.Len(t, got, 1, "%+v", r.Findings)
	require.Equal(t, contract.Error, got[0].Severity)
	require.Equal(t, []string{"Orders.GetOrder.completed"}, got[0].Events)

	// Problem.detail is gone from the 409 of createOrder: a declared error
	// response, which a failed event carries (the typed error).
	got = removed(r, "POST /orders", "detail")
	require.Len(t, got, 1, "%+v", r.Findings)
	require.Equal(t, []string{"Orders.CreateOrder.failed"}, got[0].Events)
	require.Equal(t, contract.Warning, got[0].Severity)
}

// removed returns the findings of an optional response property removed
// from an operation's responses.
func removed(r *contract.Report, op, property string) []contract.Finding {
	var out []contract.Finding
	for _, f := range findOn(r, "response-optional-property-removed", op) {
		if strings.Contains(f.Message, "`"+property+"`") {
			out = append(out, f)
		}
	}
	return out
}

func TestOpenAPIRemovedOperationNamesBothEvents(t *testing.T) {
	r, err := contract.OpenAPI(t.Context(), ordersV1, ordersV2)
	require.NoError(t, err)
	got := findOn(r, "api-removed-without-deprecation", "DELETE /orders/{id}")
	require.Len(t, got, 1, "%+v", r.Findings)
	require.Equal(t, contract.Error, got[0].Severity)
	require.Equal(t, []string{"Orders.CancelOrder.completed", "Orders.CancelOrder.failed"}, got[0].Events)
	require.Contains(t, got[0].Message, "are no longer published")
}

func TestOpenAPIRenamedOperationIDNamesTheOldEvents(t *testing.T) {
	r, err := contract.OpenAPI(t.Context(), ordersV1, ordersV2)
	require.NoError(t, err)
	got := find(r, "infgen-method-renamed")
	require.Len(t, got, 1, "%+v", r.Findings)
	require.Equal(t, "POST /orders/{id}/shipment", got[0].Operation)
	require.Equal(t, []string{"Orders.ShipOrder.completed", "Orders.ShipOrder.failed"}, got[0].Events)
	require.Contains(t, got[0].Message, "the event types Orders.ShipOrder.completed and Orders.ShipOrder.failed are no longer published")
	require.Contains(t, got[0].Message, "Orders.DispatchOrder.completed")
}

func TestOpenAPIRenamedServiceNamesEveryOldEvent(t *testing.T) {
	newSpec := variant(t, ordersV1, "new.yaml", "title: Orders", "title: Shop")
	r, err := contract.OpenAPI(t.Context(), ordersV1, newSpec)
	require.NoError(t, err)
	got := find(r, "infgen-service-renamed")
	require.Len(t, got, 1, "%+v", r.Findings)
	require.ElementsMatch(t, []string{
		"Orders.CreateOrder.completed", "Orders.CreateOrder.failed",
		"Orders.GetOrder.completed", "Orders.GetOrder.failed",
		"Orders.CancelOrder.completed", "Orders.CancelOrder.failed",
		"Orders.ShipOrder.completed", "Orders.ShipOrder.failed",
	}, got[0].Events)
}

func TestOpenAPIRequestOnlyChangeNamesNoEvent(t *testing.T) {
	r, err := contract.OpenAPI(t.Context(), ordersV1, ordersV2)
	require.NoError(t, err)
	got := findOn(r, "new-required-request-property", "POST /orders")
	require.Len(t, got, 1, "%+v", r.Findings)
	require.Equal(t, contract.Error, got[0].Severity)
	require.Empty(t, got[0].Events)
	for _, f := range r.Findings {
		if len(f.Events) == 0 {
			continue
		}
		require.NotContains(t, f.Rule, "request", "%+v", f)
	}
}

func TestProtoResponseMessageChangesNameTheCompletedEvents(t *testing.T) {
	r, err := contract.Proto(t.Context(), nil, ordersProtoV1, ordersProtoV2)
	require.NoError(t, err)
	// Order is the response of three tasks; Upload is client-streaming, no
	// task, and publishes nothing.
	orders := []string{"shop.v1.Orders.CreateOrder.completed", "shop.v1.Orders.GetOrder.completed", "shop.v1.Orders.WatchOrder.completed"}

	typ := findOn(r, "FIELD_SAME_TYPE", "shop.v1.Order")
	require.Len(t, typ, 1, "%+v", r.Findings)
	require.Equal(t, orders, typ[0].Events)
	require.Contains(t, typ[0].Message, "subscribers decode it with the old schema")

	// Held by Order: a nested message's field, an enum's value.
	nested := findOn(r, "FIELD_NO_DELETE", "shop.v1.Order.Shipping")
	require.Len(t, nested, 1, "%+v", r.Findings)
	require.Equal(t, orders, nested[0].Events)
	enum := findOn(r, "ENUM_VALUE_NO_DELETE", "shop.v1.Status")
	require.Len(t, enum, 1, "%+v", r.Findings)
	require.Equal(t, orders, enum[0].Events)

	// A deleted rpc: both of its events stop.
	del := findOn(r, "RPC_NO_DELETE", "shop.v1.Orders/CancelOrder")
	require.Len(t, del, 1, "%+v", r.Findings)
	require.Equal(t, []string{"shop.v1.Orders.CancelOrder.completed", "shop.v1.Orders.CancelOrder.failed"}, del[0].Events)
	require.Contains(t, del[0].Message, "no longer published")
}

func TestProtoRequestOnlyChangeNamesNoEvent(t *testing.T) {
	r, err := contract.Proto(t.Context(), nil, ordersProtoV1, ordersProtoV2)
	require.NoError(t, err)
	// Address is in a request only; UploadSummary answers a client-streaming
	// rpc, which is no task.
	for _, msg := range []string{"shop.v1.Address", "shop.v1.UploadSummary"} {
		got := findOn(r, "FIELD_NO_DELETE", msg)
		require.Len(t, got, 1, "%s: %+v", msg, r.Findings)
		require.Equal(t, contract.Error, got[0].Severity)
		require.Empty(t, got[0].Events, msg)
	}
}

func TestProtoDeletedServiceNamesItsEvents(t *testing.T) {
	newFile := variant(t, routeGuide, "route_guide.proto", "service RouteGuide {", "service Guide {")
	r, err := contract.Proto(t.Context(), nil, routeGuide, newFile)
	require.NoError(t, err)
	got := find(r, "SERVICE_NO_DELETE")
	require.Len(t, got, 1, "%+v", r.Findings)
	// RecordRoute (client-streaming) and RouteChat (bidi) are no tasks.
	require.Equal(t, []string{
		"routeguide.RouteGuide.GetFeature.completed", "routeguide.RouteGuide.GetFeature.failed",
		"routeguide.RouteGuide.ListFeatures.completed", "routeguide.RouteGuide.ListFeatures.failed",
	}, got[0].Events)
}

func TestReportWritesEvents(t *testing.T) {
	r, err := contract.OpenAPI(t.Context(), ordersV1, ordersV2)
	require.NoError(t, err)
	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	require.Regexp(t, `(?m)^error    DELETE /orders/\{id\}  \S+orders-v1.yaml:\d+:\d+  .* \[api-removed-without-deprecation\]\n  events: Orders.CancelOrder.completed, Orders.CancelOrder.failed$`, text.String())
	require.Regexp(t, `(?m)^error    POST /orders  \S+  .* \[new-required-request-property\]\n(error|warning|info) `, text.String(), "no events line under a request change")

	var js bytes.Buffer
	require.NoError(t, r.WriteJSON(&js))
	var doc struct {
		Findings []map[string]any
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	withEvents := 0
	for _, f := range doc.Findings {
		if evs, ok := f["events"]; ok {
			require.NotEmpty(t, evs)
			withEvents++
		}
	}
	require.Positive(t, withEvents)
	require.Less(t, withEvents, len(doc.Findings), "events are left out when there are none")
}

func TestWriteTextListsTenEventsAtMost(t *testing.T) {
	var events []string
	for i := range 12 {
		events = append(events, fmt.Sprintf("Big.Op%d.completed", i))
	}
	r := &contract.Report{Findings: []contract.Finding{{Severity: contract.Error, Rule: "infgen-service-renamed", Message: "renamed", Events: events}}}
	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	require.Equal(t, "error    renamed [infgen-service-renamed]\n  events: "+strings.Join(events[:10], ", ")+" and 2 more\n1 breaking change(s), 0 other(s)\n", text.String())
	var js bytes.Buffer
	require.NoError(t, r.WriteJSON(&js))
	require.Contains(t, js.String(), `"Big.Op11.completed"`, "JSON lists them all")
}
