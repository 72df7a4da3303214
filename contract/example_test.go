package contract_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/infgen/infgen/contract"
)

// ExampleOpenAPI compares two versions of a document: the new one makes a
// request property required (breaking) and adds an operation (compatible).
func ExampleOpenAPI() {
	const v1 = `openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    post:
      operationId: addPet
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name: {type: string}
      responses:
        "204": {description: added}
`
	v2 := strings.Replace(v1, "              properties:\n", "              required: [name]\n              properties:\n", 1) +
		"    get:\n      operationId: listPets\n      responses:\n        \"200\": {description: ok}\n"
	dir, _ := os.MkdirTemp("", "contract-example-")
	defer os.RemoveAll(dir)
	oldPath, newPath := filepath.Join(dir, "v1.yaml"), filepath.Join(dir, "v2.yaml")
	_ = os.WriteFile(oldPath, []byte(v1), 0o644)
	_ = os.WriteFile(newPath, []byte(v2), 0o644)

	r, err := contract.OpenAPI(context.Background(), oldPath, newPath)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Findings {
		fmt.Printf("%s %s line %d: %s [%s]\n", f.Severity, f.Operation, f.Location.Line, f.Message, f.Rule)
	}
	fmt.Println("breaking:", r.Breaking())
	// Output:
	// error POST /pets line 12: the request property `name` became required [request-property-became-required]
	// info GET /pets line 17: endpoint added [endpoint-added]
	// breaking: true
}
