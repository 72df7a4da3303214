package servers

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
)

// Config configures the example servers.
type Config struct {
	// Dir, when set, is where the servers keep their records (one JSON-lines
	// file per server), so that a restarted process still knows the
	// payments, invoices, emails and subscriptions it made. Empty keeps
	// everything in memory.
	Dir string
	// FailRate (0..1) is the share of requests answered with a fault: 503 or
	// UNAVAILABLE, no answer at all, or an answer lost after acting.
	FailRate float64
	// Declined reports whether a customer's card is declined for a month
	// (the payment server answers 402). Nil declines nothing.
	Declined func(customerID, month string) bool
	// BasePort, when positive, fixes the ports: consumption, payment,
	// invoice and email listen on BasePort to BasePort+3, subscription on
	// BasePort+4. Zero picks free ports.
	BasePort int
	// CallbackSecret signs the payment outcomes the payment server calls
	// back (POST /charges): the HMAC-SHA256 key the receiver checks.
	CallbackSecret []byte
	// Redeliver delivers every payment outcome once more after it was
	// acknowledged, as a provider that lost the acknowledgement does.
	Redeliver bool
	// Logger receives server errors (default slog.Default()).
	Logger *slog.Logger
}

// addr returns the i-th listen address.
func (c Config) addr(i int) string {
	if c.BasePort <= 0 {
		return "127.0.0.1:0"
	}
	return fmt.Sprintf("127.0.0.1:%d", c.BasePort+i)
}

// Servers are the running example servers.
type Servers struct {
	// ConsumptionURL, PaymentURL, InvoiceURL and EmailURL are the base URLs
	// of the HTTP servers.
	ConsumptionURL, PaymentURL, InvoiceURL, EmailURL string
	// SubscriptionAddr is the host:port of the gRPC server.
	SubscriptionAddr string

	consumption  *consumptionServer
	payment      *paymentServer
	invoice      *invoiceServer
	email        *emailServer
	subscription *subscriptionServer
	faults       *faults
	https        []*http.Server
	listeners    []net.Listener
	grpc         *grpc.Server
}

// Start starts every server on a free loopback port.
func Start(cfg Config) (_ *Servers, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Dir != "" {
		if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("servers: create record directory: %w", err)
		}
	}
	path := func(name string) string {
		if cfg.Dir == "" {
			return ""
		}
		return filepath.Join(cfg.Dir, name+".jsonl")
	}
	s := &Servers{consumption: &consumptionServer{}, faults: &faults{rate: cfg.FailRate}}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	charges, err := openLedger[Charge](path("payments"))
	if err != nil {
		return nil, fmt.Errorf("servers: payment records: %w", err)
	}
	s.payment = &paymentServer{charges: charges, declined: cfg.Declined}
	if s.payment.callback, err = newCaller(path("callbacks"), cfg.CallbackSecret, cfg.Redeliver, cfg.Logger); err != nil {
		return nil, fmt.Errorf("servers: callback records: %w", err)
	}
	invoices, err := openLedger[Invoice](path("invoices"))
	if err != nil {
		return nil, fmt.Errorf("servers: invoice records: %w", err)
	}
	s.invoice = &invoiceServer{invoices: invoices}
	if s.invoice.voids, err = openLedger[Void](path("voids")); err != nil {
		return nil, fmt.Errorf("servers: void records: %w", err)
	}
	emails, err := openLedger[Email](path("emails"))
	if err != nil {
		return nil, fmt.Errorf("servers: email records: %w", err)
	}
	s.email = &emailServer{emails: emails}
	if s.subscription, err = openSubscriptionServer(path("subscriptions")); err != nil {
		return nil, fmt.Errorf("servers: subscription records: %w", err)
	}
	for i, h := range []struct {
		url     *string
		handler http.Handler
	}{
		{&s.ConsumptionURL, s.consumption.routes()},
		{&s.PaymentURL, s.payment.routes()},
		{&s.InvoiceURL, s.invoice.routes()},
		{&s.EmailURL, s.email.routes()},
	} {
		if *h.url, err = s.serveHTTP(cfg.addr(i), s.faults.middleware(h.handler), cfg.Logger); err != nil {
			return nil, err
		}
	}
	if err = s.serveGRPC(cfg.addr(4), cfg.Logger); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Servers) serveHTTP(addr string, h http.Handler, logger *slog.Logger) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("servers: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	s.https = append(s.https, srv)
	s.listeners = append(s.listeners, ln)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("example HTTP server stopped", "addr", ln.Addr().String(), "err", err)
		}
	}()
	return "http://" + ln.Addr().String(), nil
}

func (s *Servers) serveGRPC(addr string, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("servers: listen on %s: %w", addr, err)
	}
	s.grpc = grpc.NewServer(grpc.UnaryInterceptor(s.faults.interceptor))
	s.grpc.RegisterService(subscriptionServiceDesc(), s.subscription)
	reflection.Register(s.grpc)
	s.SubscriptionAddr = ln.Addr().String()
	go func() {
		if err := s.grpc.Serve(ln); err != nil {
			logger.Error("example gRPC server stopped", "addr", s.SubscriptionAddr, "err", err)
		}
	}()
	return nil
}

// Close stops the servers at once (requests in flight are cut off, as in a
// crash: callers retry them) and closes their record files.
func (s *Servers) Close() error {
	var errs []error
	for _, srv := range s.https {
		errs = append(errs, srv.Close())
	}
	// A server closed before its goroutine called Serve has not taken its
	// listener yet: close it here, so the port is free when Close returns.
	for _, ln := range s.listeners {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	if s.grpc != nil {
		s.grpc.Stop()
	}
	if s.payment != nil {
		if s.payment.callback != nil {
			errs = append(errs, s.payment.callback.close())
		}
		errs = append(errs, s.payment.charges.close())
	}
	if s.invoice != nil {
		errs = append(errs, s.invoice.invoices.close())
		if s.invoice.voids != nil {
			errs = append(errs, s.invoice.voids.close())
		}
	}
	if s.email != nil {
		errs = append(errs, s.email.emails.close())
	}
	if s.subscription != nil {
		errs = append(errs, s.subscription.journal.Close())
	}
	return errors.Join(errs...)
}
