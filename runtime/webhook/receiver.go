package webhook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/infgen/infgen/runtime/client"
)

// Signaler delivers signals at most once per key; *client.Client is one.
type Signaler interface {
	SignalOnce(ctx context.Context, id, channel, key string, value any) error
	SignalWithStartOnce(ctx context.Context, p client.StartParams, channel, key string, value any) (string, error)
}

// Options configure a Receiver.
type Options struct {
	// URL is the public base URL of the receiver as the API reaches it
	// ("https://hooks.example.com/infgen"), where the handler is mounted;
	// callback URLs start with it. Required for callbacks.
	URL string
	// TokenSecret, when set, signs the correlation tokens of callback URLs:
	// a URL this receiver did not make (another workflow id, another call)
	// is refused with 404. It must be the same for every process serving
	// the callbacks, and outlive the calls in flight.
	TokenSecret []byte
	// Logger logs refused deliveries (default slog.Default()).
	Logger *slog.Logger
}

// Receiver is the http.Handler serving the registered endpoints.
type Receiver struct {
	sig Signaler
	o   Options

	mu        sync.RWMutex
	endpoints map[string]*Endpoint // by kind + "/" + signal
}

// NewReceiver returns a receiver delivering to sig (a *client.Client).
func NewReceiver(sig Signaler, o Options) *Receiver {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.URL = strings.TrimSuffix(o.URL, "/")
	return &Receiver{sig: sig, o: o, endpoints: map[string]*Endpoint{}}
}

// Handle registers an endpoint; generated Handle<Name> functions call it.
func (r *Receiver) Handle(e Endpoint, opts ...Option) error {
	for _, o := range opts {
		o(&e)
	}
	switch {
	case e.Signal == "" || strings.ContainsAny(e.Signal, "/?#"):
		return fmt.Errorf("webhook: endpoint signal %q is empty or contains / ? #", e.Signal)
	case e.Kind == KindWebhook && e.Route.Pointer == "":
		return fmt.Errorf("webhook: webhook %s needs a Route (a JSON pointer to the workflow id)", e.Signal)
	case e.Kind == KindCallback && r.o.URL == "":
		return fmt.Errorf("webhook: callback %s needs Options.URL (the receiver's public URL)", e.Signal)
	case e.Kind != KindWebhook && e.Kind != KindCallback:
		return fmt.Errorf("webhook: endpoint %s has unknown kind %q", e.Signal, e.Kind)
	}
	if e.Method == "" {
		e.Method = http.MethodPost
	}
	if e.Status == 0 {
		e.Status = http.StatusNoContent
	}
	if e.SignatureHeader == "" {
		e.SignatureHeader = "X-Signature"
	}
	if e.MaxBody <= 0 {
		e.MaxBody = 1 << 20
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	k := string(e.Kind) + "/" + e.Signal
	if _, dup := r.endpoints[k]; dup {
		return fmt.Errorf("webhook: %s %s is registered twice", e.Kind, e.Signal)
	}
	r.endpoints[k] = &e
	if e.Kind == KindCallback && e.Secret == nil && r.o.TokenSecret == nil {
		r.o.Logger.Warn("webhook: callback accepts unsigned deliveries at unsigned URLs: anyone who knows a workflow id can signal it; set Options.TokenSecret or WithSecret",
			"signal", e.Signal)
	}
	return nil
}

// Path returns the path of a webhook endpoint below the receiver's URL
// ("/webhooks/<signal>"), where the API's subscription must point.
func Path(signal string) string { return "/webhooks/" + signal }

// refusal is a delivery refused with an HTTP status and a reason.
type refusal struct {
	status int
	reason string
}

func (e *refusal) Error() string { return e.reason }

func refuse(status int, format string, args ...any) error {
	return &refusal{status: status, reason: fmt.Sprintf(format, args...)}
}

// ServeHTTP accepts one delivery.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	e, err := r.serve(req)
	if err == nil {
		w.WriteHeader(e.Status)
		return
	}
	status := http.StatusServiceUnavailable
	var rf *refusal
	if errors.As(err, &rf) {
		status = rf.status
	}
	r.o.Logger.Warn("webhook: delivery refused", "path", req.URL.Path, "status", status, "reason", err.Error())
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, err.Error()+"\n")
}

func (r *Receiver) serve(req *http.Request) (*Endpoint, error) {
	kind, rest, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
	signal, token, _ := strings.Cut(rest, "/")
	var e *Endpoint
	switch {
	case kind == "webhooks" && token == "":
		e = r.endpoint(KindWebhook, signal)
	case kind == "callbacks" && token != "":
		e = r.endpoint(KindCallback, signal)
	}
	if e == nil {
		return nil, refuse(http.StatusNotFound, "no webhook or callback at %s", req.URL.Path)
	}
	if req.Method != e.Method {
		return nil, refuse(http.StatusMethodNotAllowed, "%s accepts %s, not %s", req.URL.Path, e.Method, req.Method)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, req.Body, e.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, refuse(http.StatusRequestEntityTooLarge, "payload larger than %d bytes", e.MaxBody)
		}
		return nil, refuse(http.StatusBadRequest, "read payload: %v", err)
	}
	if e.Secret != nil {
		if err := checkSignature(e.Secret, req.Header.Get(e.SignatureHeader), body); err != nil {
			return nil, refuse(http.StatusUnauthorized, "%s: %v", e.SignatureHeader, err)
		}
	}
	payload, err := decodePayload(e, body)
	if err != nil {
		return nil, err
	}
	if e.Validate != nil && e.Payload == PayloadJSON {
		if err := e.Validate(body); errors.Is(err, ErrSchemas) {
			return nil, refuse(http.StatusInternalServerError, "%v", err)
		} else if err != nil {
			return nil, refuse(http.StatusBadRequest, "invalid payload: %v", err)
		}
	}
	key := e.Signal + ":" + deliveryID(e, req.Header, body)
	ctx := req.Context()
	if e.Kind == KindCallback {
		id, callKey, err := r.parseToken(e.Signal, token)
		if err != nil {
			return nil, refuse(http.StatusNotFound, "callback token: %v", err)
		}
		return e, deliverError(r.sig.SignalOnce(ctx, id, CallbackSignal(e.Signal, callKey), key, payload), id)
	}
	id, err := e.Route.workflowID(payload)
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "route the payload: %v", err)
	}
	if e.Route.Start != "" {
		_, err = r.sig.SignalWithStartOnce(ctx, client.StartParams{Workflow: e.Route.Start, ID: id, Input: payload}, e.Signal, key, payload)
		return e, deliverError(err, id)
	}
	return e, deliverError(r.sig.SignalOnce(ctx, id, e.Signal, key, payload), id)
}

func (r *Receiver) endpoint(k Kind, signal string) *Endpoint {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.endpoints[string(k)+"/"+signal]
}

// deliverError maps the engine's answer: an unknown workflow is 404, a
// finished one 410 (the API should stop sending), anything else 503 so that
// the API delivers again.
func deliverError(err error, id string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, client.ErrNotFound):
		return refuse(http.StatusNotFound, "no workflow %s", id)
	case errors.Is(err, client.ErrFinished):
		return refuse(http.StatusGone, "workflow %s has finished", id)
	}
	return fmt.Errorf("deliver to workflow %s: %w", id, err)
}

// decodePayload returns the signal's value (JSON) for a body.
func decodePayload(e *Endpoint, body []byte) (json.RawMessage, error) {
	var v any
	switch e.Payload {
	case PayloadJSON:
		if !json.Valid(body) {
			return nil, refuse(http.StatusBadRequest, "invalid payload: not a JSON document")
		}
		return body, nil
	case PayloadText:
		v = string(body)
	case PayloadBinary:
		v = body
	case PayloadNone:
		return json.RawMessage("null"), nil
	default:
		return nil, fmt.Errorf("endpoint %s: unknown payload kind %q", e.Signal, e.Payload)
	}
	b, err := json.Marshal(v)
	return b, err
}

// deliveryHeaders identify a delivery when the endpoint names none.
var deliveryHeaders = []string{"Webhook-Id", "X-Delivery-Id", "Ce-Id", "X-Github-Delivery"}

// deliveryID returns the id a redelivery repeats: the delivery header's
// value, else the SHA-256 of the body.
func deliveryID(e *Endpoint, h http.Header, body []byte) string {
	names := deliveryHeaders
	if e.DeliveryHeader != "" {
		names = []string{e.DeliveryHeader}
	}
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	sum := sha256.Sum256(body)
	return "sha256-" + hex.EncodeToString(sum[:])
}
