package openapi

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
)

const hooksSpec = `openapi: 3.0.3
info: {title: Jobs, version: "1"}
paths:
  /jobs:
    post:
      operationId: startJob
      parameters:
        - {name: notify, in: query, required: true, schema: {type: string}}
      responses:
        '202': {description: accepted}
      callbacks:
        jobDone:
          '{$request.query.notify}':
            post:
              parameters:
                - {name: Webhook-Id, in: header, schema: {type: string}}
                - {name: X-Hub-Signature-256, in: header, schema: {type: string}}
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        result: {$ref: '#/components/schemas/Result'}
              responses:
                '200': {description: ok}
        'progress/v1':
          'https://example.com/{$request.body#/id}':
            post:
              responses:
                '204': {description: ok}
components:
  schemas:
    Result:
      type: object
      properties:
        items: {type: array, items: {$ref: '#/components/schemas/Item'}}
    Item: {type: string}
    Unused: {type: integer}
`

// TestHooks: callbacks of a 3.0 document are recorded with their names,
// positions, headers and where the generated client puts their URL; an
// expression it cannot fill is a positioned warning; the embedded schemas
// hold the payload's schema and what it refers to, nothing else.
func TestHooks(t *testing.T) {
	t.Parallel()
	spec, err := ParseData(context.Background(), "jobs.yaml", []byte(hooksSpec))
	require.NoError(t, err)
	m := spec.Services[0].Methods[0]
	require.Equal(t, "CallStartJob", m.CallName)
	require.Equal(t, "StartJobCall", m.CallType)
	require.Len(t, m.Callbacks, 2)
	done, progress := m.Callbacks[0], m.Callbacks[1]
	require.Equal(t, ir.Hook{
		Kind: ir.HookCallback, Name: "jobDone", Pos: ir.Pos{File: "jobs.yaml", Line: 14, Col: 13}, Method: "POST",
		GoName: "JobDone", SignalConst: "JobDoneSignal", Signal: "Jobs.jobDone", HandleFunc: "HandleJobDone", Receive: "AwaitJobDone",
		Payload: done.Payload, Schema: "infgen.Jobs.jobDone", Status: "200",
		DeliveryHeader: "Webhook-Id", SignatureHeader: "X-Hub-Signature-256",
		Expression: "{$request.query.notify}", Fill: &ir.HookFill{Param: "Notify"},
	}, done)
	require.Equal(t, ir.TypeRef{Kind: ir.KindNamed, Name: "JobDonePayload"}, done.Payload.Contents[0].Type)
	require.Nil(t, progress.Fill)
	require.Equal(t, "Jobs.ProgressV1", progress.Signal, "a name that cannot stand in a URL path is replaced by its Go name")
	require.Len(t, spec.Warnings, 1)
	require.Equal(t, ir.Pos{File: "jobs.yaml", Line: 29, Col: 13}, spec.Warnings[0].Pos)
	require.Contains(t, spec.Warnings[0].Message, "callback progress/v1: the URL expression https://example.com/{$request.body#/id} is not")
	require.Contains(t, spec.HookSchemas, `"Item":{"type":"string"}`)
	require.Contains(t, spec.HookSchemas, `"infgen.Jobs.jobDone":`)
	require.NotContains(t, spec.HookSchemas, "Unused")
	require.Empty(t, spec.Webhooks)
}

// TestHookWithSeveralMethods: one operation per callback URL is generated,
// the others are reported at their position; names avoid the taken ones.
func TestHookWithSeveralMethods(t *testing.T) {
	t.Parallel()
	spec, err := Parse(context.Background(), "../../golden/webhooks-edge/input/spec.yaml")
	require.NoError(t, err)
	m := spec.Services[0].Methods[0]
	require.Len(t, m.Callbacks, 2)
	require.Equal(t, "JobDone2", m.Callbacks[0].GoName, "JobDoneSignal is a schema, AwaitJobDone a method")
	require.Equal(t, "AwaitJobDone2", m.Callbacks[0].Receive)
	require.Equal(t, &ir.HookFill{Param: "XNotifyURL", Pointer: true}, m.Callbacks[0].Fill)
	require.Equal(t, "PUT", m.Callbacks[1].Method)
	require.Equal(t, &ir.HookFill{Field: "StatusURL", Pointer: true}, m.Callbacks[1].Fill)
	require.Len(t, spec.Warnings, 1)
	require.Equal(t, 43, spec.Warnings[0].Pos.Line)
	require.Contains(t, spec.Warnings[0].Message, "callback status: only its first operation (PUT) is generated; POST is ignored")
}
