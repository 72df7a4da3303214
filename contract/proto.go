package contract

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/infgen/infgen/parser/proto"
)

// Proto compares two versions of a .proto file, each compiled with its
// imports (importPaths are searched for both, then each file's own
// directory). Services, methods, messages and enums declared in the two
// files are matched by full name, fields and enum values by number.
//
// The rules follow buf's breaking-change rules (categories FILE and
// WIRE_JSON; rule names are buf's where there is one): deleting a
// service, method, message, enum, field or enum value; renumbering a
// field; changing a field's name, JSON name, type, label or oneof, an
// enum value's name, a method's request or response type or its streaming;
// adding a required (proto2) field; changing the package. Additions are
// infos; a changed idempotency level or field presence is a warning.
// A finding on the response message of a task (or on a message or enum it
// holds), or on a task's method or service, names the outcome events it
// touches.
func Proto(ctx context.Context, importPaths []string, oldFile, newFile string) (*Report, error) {
	base, err := compileSide(ctx, importPaths, oldFile)
	if err != nil {
		return nil, err
	}
	rev, err := compileSide(ctx, importPaths, newFile)
	if err != nil {
		return nil, err
	}
	c := &protoCompare{old: base, new: rev}
	c.packages()
	c.services()
	c.messages()
	c.enums()
	c.protoEvents()
	c.report.sort()
	return &c.report, nil
}

func compileSide(ctx context.Context, importPaths []string, file string) (*protoSide, error) {
	fds, names, err := proto.Compile(ctx, importPaths, []string{file})
	if err != nil {
		return nil, err
	}
	return index(fds, map[string]string{names[0]: file}), nil
}

// protoCompare collects the findings of comparing two sides.
type protoCompare struct {
	old, new *protoSide
	report   Report
}

func (c *protoCompare) add(sev Severity, rule, op string, loc Location, format string, args ...any) {
	c.report.Findings = append(c.report.Findings, Finding{Severity: sev, Rule: rule, Operation: op, Location: loc, Message: fmt.Sprintf(format, args...)})
}

func (c *protoCompare) packages() {
	if len(c.old.packages) == 1 && len(c.new.packages) == 1 && c.old.packages[0] != c.new.packages[0] {
		c.add(Error, "FILE_SAME_PACKAGE", "", Location{}, "the package changed from %q to %q: every full name (and gRPC method path) changes with it", c.old.packages[0], c.new.packages[0])
	}
}

func (c *protoCompare) services() {
	for _, name := range sortedKeys(c.old.services) {
		o := c.old.services[name]
		if !o.target {
			continue
		}
		n := c.new.services[name]
		if n == nil {
			c.add(Error, "SERVICE_NO_DELETE", name, o.file.location(o.path), "service %s was deleted: its clients' calls fail with Unimplemented", name)
			continue
		}
		newMethods := map[string]int{}
		for i, m := range n.desc.Method {
			newMethods[m.GetName()] = i
		}
		for i, om := range o.desc.Method {
			op := name + "/" + om.GetName()
			j, ok := newMethods[om.GetName()]
			if !ok {
				c.add(Error, "RPC_NO_DELETE", op, o.file.location(appendPath(o.path, serviceMethod, int32(i))), "method %s was deleted: calls to it fail with Unimplemented", om.GetName())
				continue
			}
			c.method(op, om, n.desc.Method[j], n.file.location(appendPath(n.path, serviceMethod, int32(j))))
		}
		for i, nm := range n.desc.Method {
			if !slices.ContainsFunc(o.desc.Method, func(m *descriptorpb.MethodDescriptorProto) bool { return m.GetName() == nm.GetName() }) {
				c.add(Info, "RPC_ADDED", name+"/"+nm.GetName(), n.file.location(appendPath(n.path, serviceMethod, int32(i))), "method %s was added", nm.GetName())
			}
		}
	}
	for _, name := range sortedKeys(c.new.services) {
		if n := c.new.services[name]; n.target && c.old.services[name] == nil {
			c.add(Info, "SERVICE_ADDED", name, n.file.location(n.path), "service %s was added", name)
		}
	}
}

func (c *protoCompare) method(op string, o, n *descriptorpb.MethodDescriptorProto, loc Location) {
	if o.GetInputType() != n.GetInputType() {
		c.add(Error, "RPC_SAME_REQUEST_TYPE", op, loc, "the request type changed from %s to %s", strings.TrimPrefix(o.GetInputType(), "."), strings.TrimPrefix(n.GetInputType(), "."))
	}
	if o.GetOutputType() != n.GetOutputType() {
		c.add(Error, "RPC_SAME_RESPONSE_TYPE", op, loc, "the response type changed from %s to %s", strings.TrimPrefix(o.GetOutputType(), "."), strings.TrimPrefix(n.GetOutputType(), "."))
	}
	if o.GetClientStreaming() != n.GetClientStreaming() {
		c.add(Error, "RPC_SAME_CLIENT_STREAMING", op, loc, "client streaming changed from %v to %v: existing clients call it the other way", o.GetClientStreaming(), n.GetClientStreaming())
	}
	if o.GetServerStreaming() != n.GetServerStreaming() {
		c.add(Error, "RPC_SAME_SERVER_STREAMING", op, loc, "server streaming changed from %v to %v: existing clients read the answer the other way", o.GetServerStreaming(), n.GetServerStreaming())
	}
	if o.GetOptions().GetIdempotencyLevel() != n.GetOptions().GetIdempotencyLevel() {
		c.add(Warning, "RPC_SAME_IDEMPOTENCY_LEVEL", op, loc, "the idempotency level changed from %s to %s: retry policies derived from it change", o.GetOptions().GetIdempotencyLevel(), n.GetOptions().GetIdempotencyLevel())
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
