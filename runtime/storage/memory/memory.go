package memory

import (
	"bytes"
	"context"
	"sort"
	"sync"

	"github.com/infgen/infgen/runtime/storage"
)

// Store is an in-memory storage.Storage.
type Store struct {
	mu      sync.RWMutex
	records map[string]*storage.Record
	tags    map[string]map[string]struct{}
	closed  bool
}

var _ storage.Storage = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{records: map[string]*storage.Record{}, tags: map[string]map[string]struct{}{}}
}

// usable fails on a closed store or a finished context; s.mu is held.
func (s *Store) usable(ctx context.Context) error {
	if s.closed {
		return storage.ErrClosed
	}
	return ctx.Err()
}

// Get returns a copy of the record.
func (s *Store) Get(ctx context.Context, p *storage.GetParams) (*storage.Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	r, ok := s.records[p.ID]
	if !ok {
		return nil, storage.ErrNotFound
	}
	return &storage.Record{ID: r.ID, Version: r.Version, Data: bytes.Clone(r.Data)}, nil
}

// Put writes the record if its version matches.
func (s *Store) Put(ctx context.Context, p *storage.PutParams) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(ctx); err != nil {
		return 0, err
	}
	r, ok := s.records[p.ID]
	var cur int64
	if ok {
		cur = r.Version
	}
	if cur != p.Version {
		return 0, storage.ErrConflict
	}
	s.records[p.ID] = &storage.Record{ID: p.ID, Version: cur + 1, Data: bytes.Clone(p.Data)}
	for _, t := range p.AddTags {
		s.addTag(t, p.ID)
	}
	for _, t := range p.RemoveTags {
		s.removeTag(t, p.ID)
	}
	return cur + 1, nil
}

// Delete removes the record if its version matches.
func (s *Store) Delete(ctx context.Context, p *storage.DeleteParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(ctx); err != nil {
		return err
	}
	r, ok := s.records[p.ID]
	if !ok {
		return storage.ErrNotFound
	}
	if r.Version != p.Version {
		return storage.ErrConflict
	}
	delete(s.records, p.ID)
	return nil
}

// AddTag adds id to the tag's set.
func (s *Store) AddTag(ctx context.Context, p *storage.TagParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(ctx); err != nil {
		return err
	}
	s.addTag(p.Tag, p.ID)
	return nil
}

func (s *Store) addTag(tag, id string) {
	set := s.tags[tag]
	if set == nil {
		set = map[string]struct{}{}
		s.tags[tag] = set
	}
	set[id] = struct{}{}
}

func (s *Store) removeTag(tag, id string) {
	if set := s.tags[tag]; set != nil {
		delete(set, id)
		if len(set) == 0 {
			delete(s.tags, tag)
		}
	}
}

// RemoveTag removes id from the tag's set.
func (s *Store) RemoveTag(ctx context.Context, p *storage.TagParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(ctx); err != nil {
		return err
	}
	s.removeTag(p.Tag, p.ID)
	return nil
}

// ListTag returns a page of the tag's ids in ascending order.
func (s *Store) ListTag(ctx context.Context, p *storage.ListTagParams) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	limit := p.PageSize()
	var ids []string
	for id := range s.tags[p.Tag] {
		if id > p.After {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	if len(ids) > limit {
		ids = ids[:limit]
	}
	return ids, nil
}

// Close makes further calls fail with storage.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}
