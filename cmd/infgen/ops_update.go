package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/runtime/client"
)

func newWorkflowUpdateCmd(flags *opsFlags) *cobra.Command {
	var p client.UpdateParams
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "update ID NAME [JSON]",
		Short: "Send an update to a running workflow and print its answer (JSON); a rejected update changes nothing",
		Example: `  infgen workflow update cus_42 change-plan '{"plan":"pro"}'
  infgen workflow update cus_42 change-plan '{"plan":"pro"}' --update-id req-7 --wait 1m`,
		Args: cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.ID, p.Update = args[0], args[1]
			if p.UpdateID == "" { // named, so that a wait that ends can be taken up again
				var b [8]byte
				_, _ = rand.Read(b[:])
				p.UpdateID = hex.EncodeToString(b[:])
			}
			if len(args) == 3 {
				in, err := jsonArg("update input", args[2])
				if err != nil {
					return err
				}
				p.Input = in
			}
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				if r.offline { // refuse before anything is stored
					return withHint(errors.New("an update needs a running worker to answer it: none holds the state file"),
						"start the worker first: this command goes through its admin API")
				}
				ctx, cancel := context.WithTimeout(ctx, wait)
				defer cancel()
				out, err := r.client.Update(ctx, p)
				if errors.Is(err, context.DeadlineExceeded) {
					return withHint(errors.New("the workflow has not answered the update yet"),
						"it is stored and will be answered: run the command again with --update-id %s to wait for its answer", p.UpdateID)
				}
				if err != nil {
					return err
				}
				return printJSON(cmd.OutOrStdout(), out)
			})
		},
	}
	cmd.Flags().StringVar(&p.UpdateID, "update-id", "", "the request's id (default: a new one): sending it again waits for the first answer instead of applying it twice")
	cmd.Flags().DurationVar(&wait, "wait", 30*time.Second, "how long to wait for the answer")
	return cmd
}
