package storage

import (
	"context"
	"errors"
)

var (
	// ErrNotFound is returned when a record does not exist.
	ErrNotFound = errors.New("storage: not found")
	// ErrConflict is returned when a write expected another version.
	ErrConflict = errors.New("storage: version conflict")
	// ErrClosed is returned by a Storage used after Close.
	ErrClosed = errors.New("storage: closed")
)

// Record is a stored value and its version.
type Record struct {
	ID      string
	Version int64
	Data    []byte
}

// GetParams are the parameters of Storage.Get.
type GetParams struct {
	ID string
}

// PutParams are the parameters of Storage.Put.
type PutParams struct {
	ID   string
	Data []byte
	// Version is the version the caller read; 0 means the record must not exist.
	Version int64
	// AddTags and RemoveTags change tag sets (adding p.ID to, or removing it
	// from, each tag) atomically with the write: all or nothing. They let a
	// record and its indexes never disagree, in one round trip.
	AddTags    []string
	RemoveTags []string
}

// DeleteParams are the parameters of Storage.Delete.
type DeleteParams struct {
	ID string
	// Version is the version the caller read; the delete fails with
	// ErrConflict if the record changed since.
	Version int64
}

// TagParams are the parameters of Storage.AddTag and Storage.RemoveTag.
type TagParams struct {
	Tag string
	ID  string
}

// ListTagParams are the parameters of Storage.ListTag.
type ListTagParams struct {
	Tag string
	// After returns ids strictly greater than this one ("" starts at the beginning).
	After string
	// Limit caps the page size; 0 means 1000.
	Limit int
}

// PageSize returns the page size to use: Limit, or DefaultListLimit when
// Limit is not positive.
func (p *ListTagParams) PageSize() int {
	if p.Limit <= 0 {
		return DefaultListLimit
	}
	return p.Limit
}

// Storage keeps versioned records and tag sets. Implementations are safe for
// concurrent use.
type Storage interface {
	// Get returns the record with the given id, or ErrNotFound.
	Get(ctx context.Context, p *GetParams) (*Record, error)
	// Put writes a record if its current version is p.Version (0: absent) and
	// returns the new version; otherwise it returns ErrConflict and writes nothing.
	Put(ctx context.Context, p *PutParams) (int64, error)
	// Delete removes a record if its current version is p.Version; ErrNotFound
	// if absent, ErrConflict if changed.
	Delete(ctx context.Context, p *DeleteParams) error
	// AddTag adds id to the tag's set; adding twice is not an error.
	AddTag(ctx context.Context, p *TagParams) error
	// RemoveTag removes id from the tag's set; removing an absent id is not an error.
	RemoveTag(ctx context.Context, p *TagParams) error
	// ListTag returns one page of the tag's ids in ascending byte order.
	ListTag(ctx context.Context, p *ListTagParams) ([]string, error)
	// Close releases the storage.
	Close() error
}

// DefaultListLimit is the page size ListTag uses when Limit is 0.
const DefaultListLimit = 1000
