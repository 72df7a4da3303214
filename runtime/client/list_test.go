package client_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/transport/memory"
)

// TestListPages pages through workflow ids on every storage: in id order,
// a page at a time with its next cursor, by prefix (the id equal to the
// prefix included, non-ASCII prefixes too), by tag.
func TestListPages(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			mt := memory.New()
			defer mt.Close()
			c, err := client.New(ctx, client.Options{Transport: mt, Storage: s.open(t), Logger: quiet()})
			require.NoError(t, err)
			defer c.Close()
			for _, id := range []string{"b-2", "a-1", "b-1", "b-3", "c-1", "b-10", "é-1", "é", "f"} {
				_, err := c.Start(ctx, client.StartParams{Workflow: "later", ID: id, AllowUnregistered: true, Tags: []string{"all"}})
				require.NoError(t, err)
			}
			list := func(p client.ListParams) *client.ListPage {
				t.Helper()
				page, err := c.List(ctx, p)
				require.NoError(t, err)
				return page
			}
			require.Equal(t, &client.ListPage{IDs: []string{"a-1", "b-1", "b-10"}, Next: "b-10"}, list(client.ListParams{Limit: 3}))
			require.Equal(t, &client.ListPage{IDs: []string{"b-2", "b-3", "c-1"}, Next: "c-1"}, list(client.ListParams{After: "b-10", Limit: 3}))
			require.Equal(t, &client.ListPage{IDs: []string{"f", "é", "é-1"}}, list(client.ListParams{After: "c-1", Limit: 3}))
			require.Equal(t, &client.ListPage{IDs: []string{"b-1", "b-10"}}, list(client.ListParams{Prefix: "b-1", Limit: 5}))
			require.Equal(t, &client.ListPage{IDs: []string{"é", "é-1"}}, list(client.ListParams{Prefix: "é", Limit: 5}))
			require.Equal(t, &client.ListPage{IDs: []string{"b-3"}}, list(client.ListParams{Prefix: "b-", After: "b-2", Limit: 1}), "c-1 follows: the last page")
			require.Equal(t, &client.ListPage{IDs: []string{"b-2"}, Next: "b-2"}, list(client.ListParams{Prefix: "b-", After: "b-10", Limit: 1}))
			require.Equal(t, &client.ListPage{IDs: []string{}}, list(client.ListParams{Prefix: "b-", After: "b-3", Limit: 1}))
			require.Equal(t, &client.ListPage{IDs: []string{"a-1"}, Next: "a-1"}, list(client.ListParams{Tag: "all", Limit: 1}))
			require.Equal(t, &client.ListPage{IDs: []string{}}, list(client.ListParams{Parked: true, Limit: 10}))
			_, err = c.List(ctx, client.ListParams{})
			require.EqualError(t, err, "client: list running workflows: list page: limit 0: want 1 to 1000")
		})
	}
}
