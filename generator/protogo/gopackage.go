package protogo

import (
	"fmt"
	"go/token"
	"strings"
)

// CheckGoPackage reports why a go_package option ("path" or "path;name")
// cannot be imported by generated Go code, or nil when it can. protoc-gen-go
// rejects import paths without '.' or '/' outright and emits invalid code
// for relative paths and for package names that are no Go identifiers;
// old .proto files declare such options ("pb", "./pkg", "x;1abc").
func CheckGoPackage(goPackage string) error {
	path, name, _ := strings.Cut(goPackage, ";")
	switch {
	case path == "":
		return nil // no import path: the file has no Go package of its own
	case !strings.ContainsAny(path, "./"):
		return fmt.Errorf("go_package %q is no Go import path (it has no '.' or '/')", goPackage)
	case strings.HasPrefix(path, ".") || strings.HasPrefix(path, "/"):
		return fmt.Errorf("go_package %q is a relative or absolute file path, not a Go import path", goPackage)
	case strings.ContainsAny(path, " ,=\\"):
		return fmt.Errorf("go_package %q has characters Go import paths cannot hold", goPackage)
	case name != "" && token.IsKeyword(name):
		return fmt.Errorf("go_package %q names the Go package %q, a Go keyword", goPackage, name)
	case name != "" && !token.IsIdentifier(name):
		return fmt.Errorf("go_package %q names the Go package %q, which is no Go identifier", goPackage, name)
	}
	return nil
}
