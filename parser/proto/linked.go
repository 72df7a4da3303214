package proto

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// The common googleapis files, linked in so that imports of them resolve
	// when they are not on the import paths. Each package registers its
	// files' descriptors in protoregistry.GlobalFiles; isLinkable lists the
	// directories served from there.
	_ "cloud.google.com/go/iam/apiv1/iampb"
	_ "cloud.google.com/go/longrunning/autogen/longrunningpb"
	_ "google.golang.org/genproto/googleapis/api"
	_ "google.golang.org/genproto/googleapis/api/annotations"
	_ "google.golang.org/genproto/googleapis/api/configchange"
	_ "google.golang.org/genproto/googleapis/api/distribution"
	_ "google.golang.org/genproto/googleapis/api/error_reason"
	_ "google.golang.org/genproto/googleapis/api/httpbody"
	_ "google.golang.org/genproto/googleapis/api/label"
	_ "google.golang.org/genproto/googleapis/api/metric"
	_ "google.golang.org/genproto/googleapis/api/monitoredres"
	_ "google.golang.org/genproto/googleapis/api/serviceconfig"
	_ "google.golang.org/genproto/googleapis/api/visibility"
	_ "google.golang.org/genproto/googleapis/cloud/location"
	_ "google.golang.org/genproto/googleapis/logging/type"
	_ "google.golang.org/genproto/googleapis/rpc/code"
	_ "google.golang.org/genproto/googleapis/rpc/context"
	_ "google.golang.org/genproto/googleapis/rpc/context/attribute_context"
	_ "google.golang.org/genproto/googleapis/rpc/errdetails"
	_ "google.golang.org/genproto/googleapis/rpc/http"
	_ "google.golang.org/genproto/googleapis/rpc/status"
	_ "google.golang.org/genproto/googleapis/type/calendarperiod"
	_ "google.golang.org/genproto/googleapis/type/color"
	_ "google.golang.org/genproto/googleapis/type/date"
	_ "google.golang.org/genproto/googleapis/type/date_range"
	_ "google.golang.org/genproto/googleapis/type/date_time_range"
	_ "google.golang.org/genproto/googleapis/type/datetime"
	_ "google.golang.org/genproto/googleapis/type/dayofweek"
	_ "google.golang.org/genproto/googleapis/type/decimal"
	_ "google.golang.org/genproto/googleapis/type/expr"
	_ "google.golang.org/genproto/googleapis/type/fraction"
	_ "google.golang.org/genproto/googleapis/type/interval"
	_ "google.golang.org/genproto/googleapis/type/latlng"
	_ "google.golang.org/genproto/googleapis/type/localized_text"
	_ "google.golang.org/genproto/googleapis/type/money"
	_ "google.golang.org/genproto/googleapis/type/month"
	_ "google.golang.org/genproto/googleapis/type/phone_number"
	_ "google.golang.org/genproto/googleapis/type/postaladdress"
	_ "google.golang.org/genproto/googleapis/type/quaternion"
	_ "google.golang.org/genproto/googleapis/type/timeofday"

	// infgen/options.proto: (infgen.compensate).
	_ "github.com/infgen/infgen/proto/infgen"
)

// linkedResolver serves, as descriptor protos, the common googleapis files
// compiled into the binary (see isLinkable). It comes after the import
// paths, so a file on disk always wins; the imports of a file it serves go
// through the whole chain again, so they too are taken from disk when
// there.
type linkedResolver struct {
	files *protoregistry.Files
}

// FindFileByPath implements protocompile.Resolver.
func (r linkedResolver) FindFileByPath(name string) (protocompile.SearchResult, error) {
	d, err := r.find(name)
	if err != nil {
		return protocompile.SearchResult{}, err
	}
	return protocompile.SearchResult{Proto: protodesc.ToFileDescriptorProto(d)}, nil
}

// find returns the linked descriptor of the file with the given import
// name, if isLinkable accepts it and declares a go_package (so that it
// resolves to its Go package and is never generated into the output).
func (r linkedResolver) find(name string) (protoreflect.FileDescriptor, error) {
	if !isLinkable(name) {
		return nil, fmt.Errorf("%q is not a linked googleapis file: %w", name, protoregistry.NotFound)
	}
	d, err := r.files.FindFileByPath(name)
	if err != nil {
		return nil, fmt.Errorf("linked googleapis file %q: %w", name, err)
	}
	if goPackageOf(d) == "" {
		return nil, fmt.Errorf("linked googleapis file %q declares no go_package: %w", name, protoregistry.NotFound)
	}
	return d, nil
}

// isLinkable reports whether the import name is in one of the directories
// whose files may be served from the descriptors linked into the binary.
// Only these: which files resolve must not depend on whatever else a build
// happens to link (other registered files could shadow a user's mistake).
func isLinkable(name string) bool {
	dirs := [...]string{
		"google/api/",
		"google/cloud/location/",
		"google/iam/v1/",
		"google/logging/type/",
		"google/longrunning/",
		"google/rpc/",
		"google/type/",
		"infgen/",
	}
	for _, dir := range dirs {
		if strings.HasPrefix(name, dir) {
			return true
		}
	}
	return false
}

// goPackageOf returns the go_package option of d, or "".
func goPackageOf(d protoreflect.FileDescriptor) string {
	opts, _ := d.Options().(*descriptorpb.FileOptions)
	return opts.GetGoPackage()
}

// LinkedFiles lists, sorted, the import names of the googleapis files that
// resolve without being on the import paths.
func LinkedFiles() []string {
	r := linkedResolver{files: protoregistry.GlobalFiles}
	var names []string
	protoregistry.GlobalFiles.RangeFiles(func(d protoreflect.FileDescriptor) bool {
		if _, err := r.find(d.Path()); err == nil {
			names = append(names, d.Path())
		}
		return true
	})
	slices.Sort(names)
	return names
}
