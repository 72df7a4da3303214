package storagetest

import (
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
)

func mustAdd(t *testing.T, s storage.Storage, tag string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		require.NoError(t, s.AddTag(ctx(t), &storage.TagParams{Tag: tag, ID: id}), "add %q to tag %q", id, tag)
	}
}

func mustList(t *testing.T, s storage.Storage, p *storage.ListTagParams) []string {
	t.Helper()
	ids, err := s.ListTag(ctx(t), p)
	require.NoError(t, err, "list tag %q after %q limit %d", p.Tag, p.After, p.Limit)
	return ids
}

func testTags(t *testing.T, s storage.Storage, ns namespace) {
	tag := ns.id("tag")
	require.Empty(t, mustList(t, s, &storage.ListTagParams{Tag: tag}), "unknown tag lists nothing")

	mustAdd(t, s, tag, "c", "a", "b", "b", "a")
	require.Equal(t, []string{"a", "b", "c"}, mustList(t, s, &storage.ListTagParams{Tag: tag}))

	require.NoError(t, s.RemoveTag(ctx(t), &storage.TagParams{Tag: tag, ID: "b"}))
	require.NoError(t, s.RemoveTag(ctx(t), &storage.TagParams{Tag: tag, ID: "b"}), "removing twice")
	require.NoError(t, s.RemoveTag(ctx(t), &storage.TagParams{Tag: tag, ID: "never"}), "removing an absent id")
	require.NoError(t, s.RemoveTag(ctx(t), &storage.TagParams{Tag: ns.id("no-such-tag"), ID: "a"}))
	require.Equal(t, []string{"a", "c"}, mustList(t, s, &storage.ListTagParams{Tag: tag}))

	mustAdd(t, s, tag, "b")
	require.Equal(t, []string{"a", "b", "c"}, mustList(t, s, &storage.ListTagParams{Tag: tag}))

	for _, id := range []string{"a", "b", "c"} {
		require.NoError(t, s.RemoveTag(ctx(t), &storage.TagParams{Tag: tag, ID: id}))
	}
	require.Empty(t, mustList(t, s, &storage.ListTagParams{Tag: tag}))
	mustAdd(t, s, tag, "z")
	require.Equal(t, []string{"z"}, mustList(t, s, &storage.ListTagParams{Tag: tag}), "a tag emptied can be used again")
}

// testTagsIsolated checks that tags whose names are prefixes of each other,
// or whose name+id concatenations collide, do not share members.
func testTagsIsolated(t *testing.T, s storage.Storage, ns namespace) {
	x, xy, x2 := ns.id("x"), ns.id("x/y"), ns.id("x2")
	mustAdd(t, s, x, "y/z")
	mustAdd(t, s, xy, "z", "/z")
	mustAdd(t, s, x2, "a")

	require.Equal(t, []string{"y/z"}, mustList(t, s, &storage.ListTagParams{Tag: x}))
	require.Equal(t, []string{"/z", "z"}, mustList(t, s, &storage.ListTagParams{Tag: xy}))
	require.Equal(t, []string{"a"}, mustList(t, s, &storage.ListTagParams{Tag: x2}))

	// Tags are independent of records: tagging an id does not create it, and
	// a record's id is not a tag.
	_, err := s.Get(ctx(t), &storage.GetParams{ID: "y/z"})
	require.ErrorIs(t, err, storage.ErrNotFound)
	mustPut(t, s, x, 0, []byte("record named like a tag"))
	require.Equal(t, []string{"y/z"}, mustList(t, s, &storage.ListTagParams{Tag: x}))
}

// testTagByteOrder checks ascending byte order (not a locale's collation).
func testTagByteOrder(t *testing.T, s storage.Storage, ns namespace) {
	tag := ns.id("order")
	ids := []string{"b", "B", "a", "A", "_", "~", "-", "0", "9", "é", "e", "E", "z", "zz", "Z", "日本", "a b", "a-b", "ab", "a.b"}
	mustAdd(t, s, tag, ids...)
	want := slices.Clone(ids)
	slices.Sort(want) // Go compares strings bytewise
	require.Equal(t, want, mustList(t, s, &storage.ListTagParams{Tag: tag}))

	// After pages strictly after its value, in byte order.
	require.Equal(t, []string{"a", "a b", "a-b"}, mustList(t, s, &storage.ListTagParams{Tag: tag, After: "_", Limit: 3}))
	require.Equal(t, []string{"a-b"}, mustList(t, s, &storage.ListTagParams{Tag: tag, After: "a b", Limit: 1}))
	require.Equal(t, []string{"日本"}, mustList(t, s, &storage.ListTagParams{Tag: tag, After: "é"}))
}

func testTagPaging(t *testing.T, s storage.Storage, ns namespace) {
	const n, adders = 2500, 8
	tag := ns.id("big")
	ids := make([]string, n)
	for i := range ids {
		ids[i] = hex.EncodeToString(randomBytes(t, 6))
	}
	var wg sync.WaitGroup
	errs := make([]error, adders)
	for w := range adders {
		wg.Go(func() {
			for i := w; i < n; i += adders {
				if err := s.AddTag(ctx(t), &storage.TagParams{Tag: tag, ID: ids[i]}); err != nil {
					errs[w] = fmt.Errorf("add %q: %w", ids[i], err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	want := slices.Clone(ids)
	slices.Sort(want)
	want = slices.Compact(want)

	for _, limit := range []int{0, 333, 2500, 5000} {
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			require.Less(t, pages, n, "paging does not end")
			page := mustList(t, s, &storage.ListTagParams{Tag: tag, After: after, Limit: limit})
			max := limit
			if max == 0 {
				max = storage.DefaultListLimit
			}
			require.LessOrEqual(t, len(page), max, "page larger than the limit")
			if len(page) == 0 {
				break
			}
			if len(got) < len(want) && len(want)-len(got) >= max {
				require.Len(t, page, max, "a page before the end must be full")
			}
			got = append(got, page...)
			after = page[len(page)-1]
		}
		require.Equal(t, want, got, "paging with limit %d", limit)
	}

	// After a value that is not a member starts at the next member.
	mid := want[len(want)/2]
	probe := mid[:len(mid)-1] // a strict prefix sorts just before mid
	page := mustList(t, s, &storage.ListTagParams{Tag: tag, After: probe, Limit: 2})
	i, _ := slices.BinarySearch(want, probe)
	require.Equal(t, want[i:i+2], page)
}
