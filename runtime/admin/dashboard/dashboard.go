package dashboard

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
)

//go:embed assets
var assets embed.FS

// Prefix is the path the dashboard is served under.
const Prefix = "/ui/"

// CookieName is the cookie that carries the admin token in a browser, once
// it was given as ?token= on a dashboard URL. It is HttpOnly (the page's
// script never reads it) and SameSite=Strict (other sites' pages cannot
// send it, so the API's POST routes are safe from cross-site requests).
const CookieName = "infgen_admin_token"

// Options configure the dashboard.
type Options struct {
	// ReadOnly hides the steering buttons (signal, cancel, retry, redrive).
	// The admin server refuses the POST routes on its own; this only keeps
	// the page from offering them.
	ReadOnly bool
	// TraceURL, when set, links a workflow's page to its trace: the URL
	// with {trace_id} replaced by the run's trace id (Jaeger:
	// http://127.0.0.1:16686/trace/{trace_id}).
	TraceURL string
}

// Handler serves the dashboard under Prefix. Mount it at Prefix on the
// admin API's mux, behind the same authorization.
func Handler(o Options) http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic("dashboard: embedded assets: " + err.Error()) // cannot happen: the directory is embedded
	}
	files := http.StripPrefix(Prefix, http.FileServerFS(sub))
	cfg, _ := json.Marshal(struct {
		ReadOnly bool   `json:"readOnly"`
		TraceURL string `json:"traceURL,omitempty"`
	}{o.ReadOnly, o.TraceURL})
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Prefix+"config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(cfg)
	})
	mux.HandleFunc("GET "+Prefix, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
	return mux
}

// TokenFromRequest returns the token a browser request carries in the
// cookie, or "".
func TokenFromRequest(r *http.Request) string {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return ""
	}
	return c.Value
}

// TokenCookie is the cookie that stores token in the browser (HttpOnly,
// SameSite=Strict, the whole admin API's path, Secure when the request
// came over TLS).
func TokenCookie(r *http.Request, token string) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil}
}

// WithoutToken is r's URL without its token query parameter: where a
// request that gave ?token= is redirected once the cookie is set, so that
// the token does not stay in the address bar or the history.
func WithoutToken(r *http.Request) string {
	u := url.URL{Path: r.URL.Path}
	q := r.URL.Query()
	q.Del("token")
	u.RawQuery = q.Encode()
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path
	}
	return u.String()
}
