package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/runtime/client"
)

// newDeadLettersCmd builds `infgen dead-letters`: the messages workers set
// aside because they could not be decoded or kept failing.
func newDeadLettersCmd() *cobra.Command {
	var flags opsFlags
	cmd := &cobra.Command{
		Use:   "dead-letters",
		Short: "List and re-drive the messages workers set aside (undecodable, or failing again and again)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	flags.register(cmd)
	cmd.AddCommand(newDeadLettersListCmd(&flags), newDeadLettersRedriveCmd(&flags), newDeadLettersDropCmd(&flags))
	return cmd
}

func newDeadLettersListCmd(flags *opsFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List dead letters with their reason",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				dls, err := r.client.DeadLetters(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(cmd.OutOrStdout(), dls)
				}
				return printDeadLetters(cmd.OutOrStdout(), dls)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON, payloads included")
	return cmd
}

func newDeadLettersRedriveCmd(flags *opsFlags) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "redrive (ID... | --all)",
		Short: "Publish dead letters again on their topic (after deploying a fix) and remove them",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return errors.New("pass the ids of the dead letters to re-drive, or --all")
			}
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				if r.offline {
					return withHint(errors.New("no worker runs on the state file: a message re-driven from here would be lost with this process"),
						"start the worker and run this again: it goes through the worker's admin API")
				}
				ids := args
				if all {
					dls, err := r.client.DeadLetters(ctx)
					if err != nil {
						return err
					}
					for _, dl := range dls {
						ids = append(ids, dl.ID)
					}
				}
				for _, id := range ids {
					if err := r.client.Redrive(ctx, id); err != nil {
						return err
					}
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d dead letter(s) re-driven\n", len(ids))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "re-drive every dead letter")
	return cmd
}

func newDeadLettersDropCmd(flags *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "drop ID...",
		Short: "Take dead letters off the list without publishing them again (the records stay, marked dropped)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return flags.withRuntime(cmd, func(ctx context.Context, r *opsRuntime) error {
				for _, id := range args {
					if err := r.client.DropDeadLetter(ctx, id); err != nil {
						return err
					}
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d dead letter(s) dropped\n", len(args))
				return nil
			})
		},
	}
}

// printDeadLetters writes one line per dead letter, payloads shortened.
func printDeadLetters(w io.Writer, dls []client.DeadLetter) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME\tTOPIC\tKEY\tREDELIVERIES\tREASON\tPAYLOAD")
	for _, dl := range dls {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", dl.ID, dl.Time.Local().Format(time.DateTime), dl.Topic, dl.Key,
			dl.Redeliveries, oneLine(dl.Reason, 80), oneLine(printable(dl.Payload), 60))
	}
	return tw.Flush()
}

// printable shows a payload as text when it is UTF-8, else as its size.
func printable(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return fmt.Sprintf("(%d bytes of binary)", len(b))
}

// oneLine flattens s and cuts it to n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
