package admin

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/infgen/infgen/runtime/admin/dashboard"
)

// mountDashboard serves the web dashboard under /ui/ and sends / there.
func mountDashboard(mux *http.ServeMux, readOnly bool) {
	mux.Handle(dashboard.Prefix, dashboard.Handler(dashboard.Options{ReadOnly: readOnly}))
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

// listPage is GET /v1/workflows with ?limit=, ?after= or ?prefix=: a page
// of ids in order, and the cursor of the next page ("" on the last).
type listPage struct {
	IDs  []string `json:"ids"`
	Next string   `json:"next,omitempty"`
}

// pageOf returns the ids (sorted) that start with prefix and come after
// after, at most limit of them (default 100, at most maxPage).
func pageOf(ids []string, prefix, after, limit string) (listPage, error) {
	n := 100
	if limit != "" {
		v, err := strconv.Atoi(limit)
		if err != nil || v <= 0 || v > maxPage {
			return listPage{}, fmt.Errorf("limit %q: want a number from 1 to %d", limit, maxPage)
		}
		n = v
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	i, _ := slices.BinarySearch(ids, max(after, prefix))
	if after != "" && i < len(ids) && ids[i] == after {
		i++
	}
	p := listPage{IDs: []string{}}
	for ; i < len(ids) && strings.HasPrefix(ids[i], prefix); i++ {
		if len(p.IDs) == n {
			p.Next = p.IDs[n-1]
			break
		}
		p.IDs = append(p.IDs, ids[i])
	}
	return p, nil
}

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
