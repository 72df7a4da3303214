package admin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/admin/dashboard"
	"github.com/infgen/infgen/runtime/client"
)

// Options configure a Server.
type Options struct {
	// Addr is the address to listen on (default 127.0.0.1:0, a free port on
	// the loopback interface).
	Addr string
	// Token, when set, is the bearer token every request must carry. It is
	// required on any address other than loopback.
	Token string
	// Logger receives the server's errors (default slog.Default()).
	Logger *slog.Logger
	// StatePath, for the embedded default, is the state file: the address
	// is recorded beside it (AddrFile) until Close, for the ops CLI.
	StatePath string
	// ReadOnly refuses every request but GET and HEAD with 403, and hides
	// the dashboard's steering buttons.
	ReadOnly bool
	// Metrics, when set, is served at GET /metrics (the Prometheus text
	// format: telemetry.Telemetry.Metrics), behind the same bearer token.
	Metrics http.Handler
	// TraceURL links a workflow's dashboard page to its trace: a URL with
	// {trace_id} in it (default $INFGEN_TRACE_URL; none without it).
	TraceURL string
}

// EnvAddr and EnvToken name the environment variables that configure the
// admin API of a worker (config.Run) and that the CLI reads.
const (
	EnvAddr  = "INFGEN_ADMIN_ADDR"
	EnvToken = "INFGEN_ADMIN_TOKEN"
)

// Server serves the admin API.
type Server struct {
	api   API
	token string
	log   *slog.Logger
	ln    net.Listener
	srv   *http.Server

	statePath string
	readOnly  bool
	metrics   http.Handler
	traceURL  string
}

// Serve listens on o.Addr and serves api until Close.
func Serve(api API, o Options) (*Server, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Token == "" && !loopback(o.Addr) {
		return nil, fmt.Errorf("admin API on %s: an address other than loopback needs a bearer token (set $%s)", o.Addr, EnvToken)
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("admin API: %w", err)
	}
	if o.TraceURL == "" {
		o.TraceURL = os.Getenv(EnvTraceURL)
	}
	s := &Server{api: api, token: o.Token, log: o.Logger, ln: ln, statePath: o.StatePath, readOnly: o.ReadOnly, metrics: o.Metrics, traceURL: o.TraceURL}
	if o.StatePath != "" {
		if err := WriteAddrFile(o.StatePath, s.Addr()); err != nil {
			_ = ln.Close()
			return nil, err
		}
	}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("admin API stopped", "addr", ln.Addr().String(), "error", err)
		}
	}()
	return s, nil
}

// Addr is the address the server listens on (host:port).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server, waiting up to 5s for requests in flight.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if s.statePath != "" {
		err = errors.Join(err, RemoveAddrFile(s.statePath))
	}
	return err
}

// loopback reports whether addr's host is a loopback address or localhost.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Handler returns the API's HTTP handler (for mounting elsewhere).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"ok": true, "pid": os.Getpid()})
	})
	mux.HandleFunc("GET /v1/workflows", s.list)
	mux.HandleFunc("POST /v1/workflows", s.start)
	mux.HandleFunc("GET /v1/workflows/{id}", s.describe)
	mux.HandleFunc("GET /v1/workflows/{id}/state", s.state)
	mux.HandleFunc("GET /v1/workflows/{id}/tasks", s.tasks)
	mux.HandleFunc("GET /v1/workflows/{id}/outcome", s.outcome)
	mux.HandleFunc("POST /v1/workflows/{id}/retry", s.retry)
	mux.HandleFunc("POST /v1/workflows/{id}/restart", s.restart)
	mux.HandleFunc("POST /v1/workflows/{id}/update", s.update)
	mux.HandleFunc("POST /v1/signal", s.signal)
	mux.HandleFunc("POST /v1/cancel", s.cancel)
	mux.HandleFunc("GET /v1/dead-letters", s.deadLetters)
	mux.HandleFunc("POST /v1/dead-letters/{id}/redrive", s.redrive)
	mux.HandleFunc("POST /v1/dead-letters/{id}/drop", s.drop)
	mux.HandleFunc("GET /v1/workers", s.workers)
	s.mountSchedules(mux)
	if s.metrics != nil {
		mux.Handle("GET /metrics", s.metrics)
	}
	mux.HandleFunc("GET /v1/metrics/methods", s.methods)
	mountDashboard(mux, s.readOnly, s.traceURL)
	return s.authorize(s.guardReadOnly(mux))
}

// authorize checks the bearer token, when one is set: in the
// Authorization header, or for a browser in the dashboard's cookie, which a
// GET with ?token= sets (then redirects to the URL without it).
func (s *Server) authorize(next http.Handler) http.Handler {
	if s.token == "" {
		return next
	}
	want := []byte("Bearer " + s.token)
	wantToken := []byte(s.token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t := r.URL.Query().Get("token"); t != "" && r.Method == http.MethodGet {
			if subtle.ConstantTimeCompare([]byte(t), wantToken) == 1 {
				http.SetCookie(w, dashboard.TokenCookie(r, s.token))
				http.Redirect(w, r, dashboard.WithoutToken(r), http.StatusSeeOther)
				return
			}
		}
		got := []byte(r.Header.Get("Authorization"))
		okHeader := subtle.ConstantTimeCompare(got, want) == 1
		okCookie := subtle.ConstantTimeCompare([]byte(dashboard.TokenFromRequest(r)), wantToken) == 1
		if !okHeader && !okCookie {
			w.Header().Set("WWW-Authenticate", `Bearer realm="infgen"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "admin API: missing or wrong bearer token (set $"+EnvToken+")")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, k := range pageKeys {
		if q.Has(k) {
			s.listPage(w, r)
			return
		}
	}
	var ids []string
	var err error
	switch {
	case q.Get("tag") != "":
		ids, err = s.api.ListByTag(r.Context(), q.Get("tag"))
	case q.Get("list") == "parked":
		ids, err = s.api.ListParked(r.Context())
	default:
		ids, err = s.api.ListRunning(r.Context())
	}
	s.result(w, ids, err)
}

func (s *Server) start(w http.ResponseWriter, r *http.Request) {
	var req startRequest
	if !decode(w, r, &req) {
		return
	}
	timeout, err := parseDuration(req.Timeout)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "timeout: "+err.Error())
		return
	}
	p := client.StartParams{Workflow: req.Workflow, ID: req.ID, Tags: req.Tags, Timeout: timeout,
		RestartIfFinished: req.RestartIfFinished, AllowUnregistered: req.AllowUnregistered}
	if len(req.Input) > 0 {
		p.Input = req.Input
	}
	var id string
	switch {
	case req.Signal != nil && req.Signal.Key != "":
		id, err = s.api.SignalWithStartOnce(r.Context(), p, req.Signal.Channel, req.Signal.Key, rawOrNull(req.Signal.Value))
	case req.Signal != nil:
		id, err = s.api.SignalWithStart(r.Context(), p, req.Signal.Channel, rawOrNull(req.Signal.Value))
	default:
		id, err = s.api.Start(r.Context(), p)
	}
	s.result(w, idResponse{ID: id}, err)
}

func (s *Server) describe(w http.ResponseWriter, r *http.Request) {
	d, err := s.api.Describe(r.Context(), r.PathValue("id"))
	s.result(w, d, err)
}

func (s *Server) state(w http.ResponseWriter, r *http.Request) {
	raw, err := s.api.State(r.Context(), r.PathValue("id"))
	s.result(w, raw, err)
}

// tasks answers the tasks of a workflow's current run.
func (s *Server) tasks(w http.ResponseWriter, r *http.Request) {
	tasks, err := s.api.Tasks(r.Context(), r.PathValue("id"))
	if tasks == nil {
		tasks = []client.TaskRecord{}
	}
	s.result(w, tasks, err)
}

// outcome waits up to ?wait= for the workflow to finish; 202 (and the
// description) when it still runs.
func (s *Server) outcome(w http.ResponseWriter, r *http.Request) {
	wait, err := parseDuration(r.URL.Query().Get("wait"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "wait: "+err.Error())
		return
	}
	id := r.PathValue("id")
	if wait <= 0 { // look once
		d, err := s.api.Describe(r.Context(), id)
		if err != nil {
			s.result(w, nil, err)
			return
		}
		if !d.Status.Terminal() {
			stillRunning(w)
			return
		}
		wait = 10 * time.Second // finished: Await returns at once
	}
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	o, err := s.api.Await(ctx, id)
	if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil {
		stillRunning(w)
		return
	}
	if err != nil {
		s.result(w, nil, err)
		return
	}
	out := outcome{ID: o.ID, Status: o.Status, Output: o.Output}
	if o.Err != nil {
		out.Error = o.Err.Error()
	}
	reply(w, out)
}

// stillRunning answers 202: the workflow has not finished.
func stillRunning(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(map[string]string{"status": string(client.Running)})
}

func (s *Server) retry(w http.ResponseWriter, r *http.Request) {
	n, err := s.api.RetryTasks(r.Context(), r.PathValue("id"))
	s.result(w, countResponse{Count: n}, err)
}

// update sends an update and waits for its answer (as long as the request
// lasts).
func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	var req updateRequest
	if !decode(w, r, &req) {
		return
	}
	raw, err := s.api.Update(r.Context(), client.UpdateParams{ID: r.PathValue("id"), Update: req.Update,
		Input: rawOrNull(req.Input), UpdateID: req.UpdateID})
	if err == nil && len(raw) == 0 {
		raw = json.RawMessage("null")
	}
	s.result(w, raw, err)
}

func (s *Server) signal(w http.ResponseWriter, r *http.Request) {
	var req signalRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Key != "" {
		if req.Target.ID == "" {
			writeError(w, http.StatusBadRequest, "bad_request", "a signal with a key needs a workflow id, not a tag")
			return
		}
		err := s.api.SignalOnce(r.Context(), req.Target.ID, req.Channel, req.Key, rawOrNull(req.Value))
		s.result(w, countResponse{Count: 1}, err)
		return
	}
	n, err := s.api.Signal(r.Context(), req.Target, req.Channel, rawOrNull(req.Value))
	s.result(w, countResponse{Count: n}, err)
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request) {
	var req signalRequest
	if !decode(w, r, &req) {
		return
	}
	n, err := s.api.Cancel(r.Context(), req.Target)
	s.result(w, countResponse{Count: n}, err)
}

func (s *Server) deadLetters(w http.ResponseWriter, r *http.Request) {
	dls, err := s.api.DeadLetters(r.Context())
	s.result(w, dls, err)
}

func (s *Server) redrive(w http.ResponseWriter, r *http.Request) {
	err := s.api.Redrive(r.Context(), r.PathValue("id"))
	s.result(w, map[string]bool{"ok": true}, err)
}

func (s *Server) restart(w http.ResponseWriter, r *http.Request) {
	run, err := s.api.Restart(r.Context(), r.PathValue("id"))
	s.result(w, runResponse{Run: run}, err)
}

func (s *Server) drop(w http.ResponseWriter, r *http.Request) {
	err := s.api.DropDeadLetter(r.Context(), r.PathValue("id"))
	s.result(w, map[string]bool{"ok": true}, err)
}

func (s *Server) workers(w http.ResponseWriter, r *http.Request) {
	ws, err := s.api.Workers(r.Context())
	s.result(w, ws, err)
}

// result replies v, or err with its code.
func (s *Server) result(w http.ResponseWriter, v any, err error) {
	if err != nil {
		code, status := codeOf(err)
		if status == http.StatusInternalServerError {
			s.log.Error("admin API request failed", "error", err)
		}
		writeError(w, status, code, err.Error())
		return
	}
	reply(w, v)
}

// decode reads a JSON body of at most 16 MiB; on failure it replies 400.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "request body: "+err.Error())
		return false
	}
	return true
}

func rawOrNull(v json.RawMessage) json.RawMessage {
	if len(strings.TrimSpace(string(v))) == 0 {
		return json.RawMessage("null")
	}
	return v
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if raw, ok := v.(json.RawMessage); ok {
		_, _ = w.Write(raw)
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorResponse{Error: msg, Code: code})
}
