package generator_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/infgen/infgen/generator"
	"github.com/infgen/infgen/parser/openapi"
)

// Generate is a pure function from an ir.Spec to files; the CLI only adds
// parsing and writing.
func ExampleGenerate() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	spec := filepath.Join(dir, "pets.yaml")
	doc := `openapi: 3.1.0
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: the pet
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: {type: string}
`
	if err := os.WriteFile(spec, []byte(doc), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	parsed, err := openapi.Parse(context.Background(), spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	files, err := generator.Generate(parsed, generator.Options{Package: "pets"})
	if err != nil {
		fmt.Println(err)
		return
	}
	m := parsed.Services[0].Methods[0]
	fmt.Println(parsed.Services[0].Name, m.Name, m.Input.Name, m.Output.Name)
	for _, f := range files {
		fmt.Println(f.Name)
	}
	// Output:
	// Pets GetPet GetPetInput GetPetOutput
	// descriptor.go
	// doc.go
	// events.go
	// http_client.go
	// http_operations.go
	// register.go
	// service.go
	// stub.go
	// types.go
}
