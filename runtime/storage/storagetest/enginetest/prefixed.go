package enginetest

import (
	"context"
	"strings"

	"github.com/infgen/infgen/runtime/storage"
)

// prefixed is a storage.Storage seen through a key and tag prefix: a test
// on a store shared with other tests sees only its own records and tags.
// The schedule tests need it: any worker fires any schedule of its store,
// and the workers of other tests run on other clocks.
type prefixed struct {
	storage.Storage
	p string
}

func (s *prefixed) tags(ts []string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = s.p + t
	}
	return out
}

func (s *prefixed) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	rec, err := s.Storage.Get(ctx, &storage.GetParams{ID: s.p + p.ID})
	if err != nil {
		return nil, err
	}
	r := *rec
	r.ID = p.ID
	return &r, nil
}

func (s *prefixed) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	q := *p
	q.ID, q.AddTags, q.RemoveTags = s.p+p.ID, s.tags(p.AddTags), s.tags(p.RemoveTags)
	return s.Storage.Put(ctx, &q)
}

func (s *prefixed) Delete(ctx context.Context, p *storage.DeleteParams) error {
	return s.Storage.Delete(ctx, &storage.DeleteParams{ID: s.p + p.ID, Version: p.Version})
}

func (s *prefixed) AddTag(ctx context.Context, p *storage.TagParams) error {
	return s.Storage.AddTag(ctx, &storage.TagParams{Tag: s.p + p.Tag, ID: s.p + p.ID})
}

func (s *prefixed) RemoveTag(ctx context.Context, p *storage.TagParams) error {
	return s.Storage.RemoveTag(ctx, &storage.TagParams{Tag: s.p + p.Tag, ID: s.p + p.ID})
}

func (s *prefixed) ListTag(ctx context.Context, p *storage.ListTagParams) ([]string, error) {
	q := *p
	q.Tag = s.p + p.Tag
	if p.After != "" {
		q.After = s.p + p.After
	}
	ids, err := s.Storage.ListTag(ctx, &q)
	for i, id := range ids {
		ids[i] = strings.TrimPrefix(id, s.p)
	}
	return ids, err
}

// Close leaves the shared store open.
func (s *prefixed) Close() error { return nil }
