package admin

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/infgen/infgen/runtime/admin/dashboard"
	"github.com/infgen/infgen/runtime/client"
)

// mountDashboard serves the web dashboard under /ui/ and sends / there.
func mountDashboard(mux *http.ServeMux, readOnly bool, traceURL string) {
	mux.Handle(dashboard.Prefix, dashboard.Handler(dashboard.Options{ReadOnly: readOnly, TraceURL: traceURL}))
	mux.Handle("GET /{$}", http.RedirectHandler(dashboard.Prefix, http.StatusFound))
}

// guardReadOnly refuses, in read-only mode, every request that is not a
// GET or HEAD: the routes that steer workflows.
func (s *Server) guardReadOnly(next http.Handler) http.Handler {
	if !s.readOnly {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeError(w, http.StatusForbidden, "read_only",
				fmt.Sprintf("admin API: %s %s refused: the admin API is read-only", r.Method, r.URL.Path))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maxPage bounds ?limit= on GET /v1/workflows.
const maxPage = 1000

// listPage answers GET /v1/workflows with ?limit=, ?after=, ?prefix= or a
// filter (?name=, ?status=, ?started_after=, ?started_before=,
// ?updated_after=, ?updated_before=, times in RFC 3339): a page of ids in
// order and the cursor of the next page (client.ListPage).
func (s *Server) listPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := client.ListParams{Tag: q.Get("tag"), Parked: q.Get("list") == "parked", Name: q.Get("name"),
		Status: client.Status(q.Get("status")), Prefix: q.Get("prefix"), After: q.Get("after"), Limit: 100}
	if l := q.Get("limit"); l != "" {
		v, err := strconv.Atoi(l)
		if err != nil || v <= 0 || v > maxPage {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("limit %q: want a number from 1 to %d", l, maxPage))
			return
		}
		p.Limit = v
	}
	for _, b := range []struct {
		key string
		t   *time.Time
	}{{"started_after", &p.StartedAfter}, {"started_before", &p.StartedBefore},
		{"updated_after", &p.UpdatedAfter}, {"updated_before", &p.UpdatedBefore}} {
		v := q.Get(b.key)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("%s %q: want a time in RFC 3339 (2026-12-07T14:00:00Z)", b.key, v))
			return
		}
		*b.t = t
	}
	page, err := s.api.List(r.Context(), p)
	if err == nil && page.IDs == nil {
		page.IDs = []string{}
	}
	s.result(w, page, err)
}

// pageKeys are the query parameters that make GET /v1/workflows answer a
// page (listPage) rather than the plain array of ids.
var pageKeys = []string{"limit", "after", "prefix", "name", "status", "started_after", "started_before", "updated_after", "updated_before"}

// EnvTraceURL is the trace URL template the dashboard links workflows to
// (Options.TraceURL), e.g. http://127.0.0.1:16686/trace/{trace_id}.
const EnvTraceURL = "INFGEN_TRACE_URL"

// EnvReadOnly, set to 1, makes a worker's admin API read-only
// (Options.ReadOnly).
const EnvReadOnly = "INFGEN_ADMIN_READ_ONLY"

// DashboardURL is the web dashboard's URL on the admin API at addr
// (host:port), or "" when addr is "".
func DashboardURL(addr string) string {
	if addr == "" {
		return ""
	}
	return "http://" + addr + dashboard.Prefix
}
