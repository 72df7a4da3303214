package client_test

import (
	"cmp"
	"context"
	"testing"

	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/client"
	"github.com/infgen/infgen/runtime/transport/memory"
	"github.com/infgen/infgen/runtime/worker"
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

// TestListFilters: by name (its own index, every status), by status, by
// tag and name, and by when the run started or last changed, paging with
// a next cursor, on every storage.
func TestListFilters(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // generous: never a measure
			defer cancel()
			mt := memory.New()
			defer mt.Close()
			store := s.open(t)
			w, err := worker.New(worker.Options{Transport: mt, Storage: store, Logger: quiet()})
			require.NoError(t, err)
			register(t, w)
			require.NoError(t, w.Start(ctx))
			defer w.Stop()
			c, err := client.New(ctx, client.Options{Transport: mt, Storage: store, Logger: quiet(), PollInterval: 10 * time.Millisecond})
			require.NoError(t, err)
			defer c.Close()
			start := func(name, id string, tags ...string) {
				t.Helper()
				_, err := c.Start(ctx, client.StartParams{Workflow: name, ID: id, Tags: tags})
				require.NoError(t, err)
			}
			await := func(id string, want client.Status) {
				t.Helper()
				o, err := c.Await(ctx, id)
				require.NoError(t, err)
				require.Equal(t, want, o.Status)
			}
			start("done", "d-1")
			start("fail", "f-1")
			start("wait", "w-1", "x")
			await("d-1", client.Completed)
			await("f-1", client.Failed)
			mid := time.Now()
			start("done", "d-2")
			start("wait", "w-2", "x")
			await("d-2", client.Completed)

			list := func(p client.ListParams) *client.ListPage {
				t.Helper()
				p.Limit = cmp.Or(p.Limit, 10)
				page, err := c.List(ctx, p)
				require.NoError(t, err)
				return page
			}
			ids := func(ids ...string) *client.ListPage { return &client.ListPage{IDs: append([]string{}, ids...)} }
			require.Equal(t, ids("d-1", "d-2"), list(client.ListParams{Name: "done"}))
			require.Equal(t, &client.ListPage{IDs: []string{"d-1"}, Next: "d-1"}, list(client.ListParams{Name: "done", Limit: 1}))
			require.Equal(t, ids("d-2"), list(client.ListParams{Name: "done", Limit: 1, After: "d-1"}))
			require.Equal(t, ids("f-1"), list(client.ListParams{Name: "fail", Status: client.Failed}))
			require.Equal(t, ids(), list(client.ListParams{Name: "fail", Status: client.Completed}))
			require.Equal(t, ids("w-1", "w-2"), list(client.ListParams{Name: "wait", Status: client.Running}))
			require.Equal(t, ids("w-1", "w-2"), list(client.ListParams{Tag: "x", Name: "wait"}))
			require.Equal(t, ids(), list(client.ListParams{Tag: "x", Name: "done"}))
			require.Equal(t, ids("d-2"), list(client.ListParams{Name: "done", StartedAfter: mid}))
			require.Equal(t, ids("d-1"), list(client.ListParams{Name: "done", StartedBefore: mid}))
			require.Equal(t, ids("w-2"), list(client.ListParams{StartedAfter: mid}), "running, started after")
			require.Equal(t, ids("d-2"), list(client.ListParams{Name: "done", UpdatedAfter: mid}))
			require.Equal(t, ids(), list(client.ListParams{Name: "fail", UpdatedAfter: mid}))
			require.Equal(t, &client.ListPage{IDs: []string{"w-1"}, Next: "w-1"}, list(client.ListParams{Name: "wait", Status: client.Running, Limit: 1}))
			_, err = c.List(ctx, client.ListParams{Status: client.Completed, Limit: 10})
			require.EqualError(t, err, "client: list completed workflows: give a name or a tag as well: no index holds every workflow")
		})
	}
}
