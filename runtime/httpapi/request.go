package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/infgen/infgen/runtime/service"
)

// NewRequest builds the request of operation op. body may be nil;
// contentType and accept are set when not empty. A failure is permanent:
// retrying cannot fix a request that cannot be built.
func NewRequest(ctx context.Context, op, method, url string, body io.Reader, contentType, accept string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(withOperation(ctx, op), method, url, body)
	if err != nil {
		return nil, service.Permanent(fmt.Errorf("%s: build request: %w", op, err))
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return req, nil
}

// JSONBody encodes v as the JSON request body of operation op. A failure is
// permanent.
func JSONBody(op string, v any) (io.Reader, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, service.Permanent(fmt.Errorf("%s: encode request body: %w", op, err))
	}
	return bytes.NewReader(data), nil
}
