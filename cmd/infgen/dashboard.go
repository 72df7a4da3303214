package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/runtime/admin"
)

// newDashboardCmd builds `infgen dashboard`: the web dashboard of the
// runtime the ops commands act on. A worker's admin API serves it already,
// so with a worker running it only prints the URL; otherwise it opens the
// state file or the server backends and serves an admin API with the
// dashboard from this process until interrupted.
func newDashboardCmd() *cobra.Command {
	var flags opsFlags
	var addr string
	var readOnly bool
	cmd := &cobra.Command{
		Use:   "dashboard",
		Short: "Open the web dashboard: print a running worker's dashboard URL, or serve one on the state file or server backends",
		Long: `Open the web dashboard (workflows, one workflow's history, dead letters, workers).

When a worker runs on the state file (or --admin / $` + admin.EnvAddr + ` names one), its admin API
serves the dashboard already: the command prints its URL and exits. Otherwise it opens the state
file (or, with $INFGEN_PULSAR_URL, the server backends) and serves an admin API and the dashboard
on --addr until interrupted. An address other than loopback needs $` + admin.EnvToken + `; a browser
gives the token once as ?token=… and keeps it in a cookie.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			cmd.SetContext(ctx) // the served dashboard runs until interrupted
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				out := cmd.OutOrStdout()
				if r.backends == nil {
					_, err := fmt.Fprintf(out, "dashboard of the %s: %s\n", r.where, dashboardURL(r.adminAddr))
					return err
				}
				srv, err := admin.Serve(r.client, admin.Options{Addr: addr, Token: os.Getenv(admin.EnvToken),
					ReadOnly: readOnly, StatePath: r.backends.StatePath, Logger: slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))})
				if err != nil {
					return err
				}
				if _, err := fmt.Fprintf(out, "dashboard of the %s: %s (Ctrl-C stops it)\n", r.where, admin.DashboardURL(srv.Addr())); err != nil {
					_ = srv.Close()
					return err
				}
				<-ctx.Done()
				return srv.Close()
			})
		},
	}
	flags.register(cmd)
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8089", "address to serve the dashboard on; other than loopback needs $"+admin.EnvToken)
	cmd.Flags().BoolVar(&readOnly, "read-only", false, "hide the steering buttons and refuse the API's POST routes with 403")
	return cmd
}

// dashboardURL is the dashboard's URL on a worker's admin API address
// (host:port or a URL).
func dashboardURL(addr string) string {
	if strings.Contains(addr, "://") {
		return strings.TrimSuffix(addr, "/") + "/ui/"
	}
	return admin.DashboardURL(addr)
}
