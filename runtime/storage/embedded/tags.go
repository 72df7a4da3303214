package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/infgen/infgen/runtime/storage"
)

// tagPrefix returns len(tag) ‖ tag: the common prefix of the tag's keys.
func tagPrefix(tag string, extra int) []byte {
	k := make([]byte, 4, 4+len(tag)+extra)
	binary.BigEndian.PutUint32(k, uint32(len(tag)))
	return append(k, tag...)
}

func tagKey(tag, id string) []byte { return append(tagPrefix(tag, len(id)), id...) }

// AddTag implements storage.Storage.
func (s *Store) AddTag(ctx context.Context, p *storage.TagParams) error {
	end, err := s.begin(ctx, "add tag", p.Tag)
	if err != nil {
		return err
	}
	defer end()
	key := tagKey(p.Tag, p.ID)
	err = s.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketTags).Put(key, nil) })
	if err != nil {
		return fmt.Errorf("embedded storage: add %q to tag %q in %s: %w", p.ID, p.Tag, s.path, err)
	}
	return nil
}

// RemoveTag implements storage.Storage.
func (s *Store) RemoveTag(ctx context.Context, p *storage.TagParams) error {
	end, err := s.begin(ctx, "remove tag", p.Tag)
	if err != nil {
		return err
	}
	defer end()
	key := tagKey(p.Tag, p.ID)
	err = s.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketTags).Delete(key) })
	if err != nil {
		return fmt.Errorf("embedded storage: remove %q from tag %q in %s: %w", p.ID, p.Tag, s.path, err)
	}
	return nil
}

// ListTag implements storage.Storage.
func (s *Store) ListTag(ctx context.Context, p *storage.ListTagParams) ([]string, error) {
	end, err := s.begin(ctx, "list tag", p.Tag)
	if err != nil {
		return nil, err
	}
	defer end()
	limit := p.PageSize()
	prefix := tagPrefix(p.Tag, 0)
	start := tagKey(p.Tag, p.After)
	ids := []string{}
	err = s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketTags).Cursor()
		k, _ := c.Seek(start)
		if k != nil && bytes.Equal(k, start) {
			k, _ = c.Next() // After is exclusive
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(ids) < limit; k, _ = c.Next() {
			ids = append(ids, string(k[len(prefix):]))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded storage: list tag %q in %s: %w", p.Tag, s.path, err)
	}
	return ids, nil
}
