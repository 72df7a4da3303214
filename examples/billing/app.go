package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/infgen/infgen/examples/billing/gen/subscription"
	"github.com/infgen/infgen/examples/billing/servers"
	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/worker"
)

// app is what one process of the example runs: by default everything (the
// servers standing for the company's services, one worker per generated
// service package, the workflow worker and a client); with -role drive the
// servers and the client only, with -role work the workers only.
type app struct {
	cfg      config
	logger   *slog.Logger
	servers  *servers.Servers
	backends *backends
	workers  []*worker.Worker
	client   *client.Client
	conns    []*grpc.ClientConn
	website  subscription.SubscriptionService // the company's own calls (subscribe, cancel)
	attempts *attempts
	hooks    *hooks // the webhook receiver, in a process running the workers
	// resumed is true when the run resumes an existing -db state file.
	resumed bool
}

// recordsDir is where the example servers keep their records: -records, or
// next to the state file, so that both survive together.
func recordsDir(cfg config) string {
	if cfg.records != "" || cfg.db == "" {
		return cfg.records
	}
	return cfg.db + ".records"
}

// startApp starts what the role asks for.
func startApp(ctx context.Context, cfg config) (_ *app, err error) {
	level := slog.LevelError
	if cfg.verbose {
		level = slog.LevelInfo
	}
	a := &app{cfg: cfg, attempts: &attempts{}, logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))}
	defer func() {
		if err != nil {
			_ = a.close()
		}
	}()
	if cfg.role != roleWork {
		a.servers, err = servers.Start(servers.Config{
			Dir: recordsDir(cfg), FailRate: cfg.failRate, Declined: declined(cfg), BasePort: cfg.ports, Logger: a.logger,
			CallbackSecret: webhookSecret, Redeliver: cfg.redeliver,
		})
		if err != nil {
			return nil, err
		}
	}
	if cfg.db != "" {
		_, err := os.Stat(cfg.db)
		a.resumed = err == nil
	}
	if a.backends, err = openBackends(ctx, cfg, a.logger); err != nil {
		return nil, err
	}
	// The client drives the run and, in a process with workers, delivers the
	// webhook receiver's signals.
	a.client, err = client.New(ctx, client.Options{Transport: a.backends.tr, Storage: a.backends.st, Logger: a.logger, PollInterval: 200 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	if err := a.startHooks(); err != nil {
		return nil, err
	}
	if cfg.role != roleDrive {
		if err := a.startWorkers(ctx, a.endpoints()); err != nil {
			return nil, err
		}
	}
	// Every role runs the receipts subscriber: its processes share one
	// subscription, so each event is handled once whichever runs it.
	if err := a.startReceipts(ctx, a.endpoints()); err != nil {
		return nil, err
	}
	if cfg.role == roleWork {
		return a, nil
	}
	conn, err := a.dial(a.servers.SubscriptionAddr)
	if err != nil {
		return nil, err
	}
	a.website = subscription.NewGRPCClient(conn)
	return a, nil
}

// endpoints are the addresses the service workers call: the servers of
// this process, or the fixed -ports of a -role drive process.
type endpoints struct {
	consumption, payment, invoice, email, subscription string
}

func (a *app) endpoints() endpoints {
	if a.servers != nil {
		s := a.servers
		return endpoints{s.ConsumptionURL, s.PaymentURL, s.InvoiceURL, s.EmailURL, s.SubscriptionAddr}
	}
	at := func(i int) string { return fmt.Sprintf("127.0.0.1:%d", a.cfg.ports+i) }
	return endpoints{"http://" + at(0), "http://" + at(1), "http://" + at(2), "http://" + at(3), at(4)}
}

// dial connects to a gRPC server, counting attempts.
func (a *app) dial(addr string) (*grpc.ClientConn, error) {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithUnaryInterceptor(a.attempts.intercept))
	if err != nil {
		return nil, fmt.Errorf("connect to the subscription server at %s: %w", addr, err)
	}
	a.conns = append(a.conns, conn)
	return conn, nil
}

// newWorker returns a worker on the run's backends.
func (a *app) newWorker(recover worker.RecoverMode) (*worker.Worker, error) {
	o := worker.Options{Transport: a.backends.tr, Storage: a.backends.st, Logger: a.logger, Recover: recover, Admin: a.backends.admin}
	if rt := a.backends.rt; rt != nil { // the embedded runtime's metrics (/metrics) and traces (OTEL_TRACES_EXPORTER)
		return rt.NewWorker(o)
	}
	return worker.New(o)
}

// httpClient is the client of the generated HTTP implementations.
func (a *app) httpClient() *http.Client {
	return &http.Client{Transport: a.attempts.roundTripper(http.DefaultTransport)}
}

// close stops everything, the workers first.
func (a *app) close() error {
	var errs []error
	if a.client != nil {
		errs = append(errs, a.client.Close())
	}
	for i := len(a.workers) - 1; i >= 0; i-- {
		errs = append(errs, a.workers[i].Stop())
	}
	if a.hooks != nil {
		errs = append(errs, a.hooks.close())
	}
	if a.backends != nil {
		errs = append(errs, a.backends.close())
	}
	for _, c := range a.conns {
		errs = append(errs, c.Close())
	}
	if a.servers != nil {
		errs = append(errs, a.servers.Close())
	}
	return errors.Join(errs...)
}
