package servers

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// problem is an RFC 9457 problem detail, the error body of every HTTP
// example server.
type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeProblem(w http.ResponseWriter, code int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(problem{Title: title, Status: code, Detail: detail})
}

// decodeBody decodes a JSON request body into v, answering 422 on failure.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeProblem(w, http.StatusUnprocessableEntity, "Invalid body", fmt.Sprintf("decode JSON body: %v", err))
		return false
	}
	return true
}

// idempotencyKey returns the request's Idempotency-Key, answering 400 when
// it is missing.
func idempotencyKey(w http.ResponseWriter, r *http.Request) (string, bool) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		writeProblem(w, http.StatusBadRequest, "Missing Idempotency-Key", "send a unique Idempotency-Key header per operation")
		return "", false
	}
	return key, true
}
