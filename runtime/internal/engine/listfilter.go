package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/infgen/infgen/runtime/internal/history"
	"github.com/infgen/infgen/runtime/storage"
)

// MaxFilterScan bounds the states one filtered list page reads.
const MaxFilterScan = 1000

// ListFilter keeps the workflows that match all of its set fields. No
// storage indexes it: each candidate's state is read (see ListPage).
type ListFilter struct {
	// Name is the workflow's name.
	Name string
	// Status is running, parked (running but parked), completed, failed
	// or canceled.
	Status string
	// StartedFrom and StartedTo bound when the current run started,
	// UpdatedFrom and UpdatedTo when the workflow's state last changed:
	// from included, to excluded; a zero time does not bound.
	StartedFrom, StartedTo time.Time
	UpdatedFrom, UpdatedTo time.Time
}

// StatusParked is the ListFilter status of a running workflow that is
// parked.
const StatusParked = "parked"

func (f *ListFilter) empty() bool { return *f == ListFilter{} }

func (f *ListFilter) validate() error {
	switch Status(f.Status) {
	case "", Running, StatusParked, Completed, Failed, Canceled:
	default:
		return fmt.Errorf("status %q: want running, parked, completed, failed or canceled", f.Status)
	}
	if !f.StartedTo.IsZero() && f.StartedTo.Before(f.StartedFrom) {
		return errors.New("the started range ends before it begins")
	}
	if !f.UpdatedTo.IsZero() && f.UpdatedTo.Before(f.UpdatedFrom) {
		return errors.New("the updated range ends before it begins")
	}
	return nil
}

// match reports whether st passes the filter.
func (f *ListFilter) match(st *history.State) bool {
	if f.Name != "" && st.Name != f.Name {
		return false
	}
	switch Status(f.Status) {
	case "":
	case StatusParked:
		if st.Parked == nil || st.Status.Terminal() {
			return false
		}
	default:
		if st.Status != Status(f.Status) {
			return false
		}
	}
	return within(st.Created, f.StartedFrom, f.StartedTo) && within(st.Updated, f.UpdatedFrom, f.UpdatedTo)
}

func within(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

// listFiltered reads the tag's ids from cursor a storage page at a time,
// and each one's state, keeping those f matches, until the page is full and
// one more match says a next page is there, the ids run out, or it read
// MaxFilterScan states (then the next page starts after the last one read).
func (e *Engine) listFiltered(ctx context.Context, tag, prefix, cursor string, limit int, f *ListFilter) ([]string, string, error) {
	page := make([]string, 0, limit)
	scanned := 0
	batch := min(max(limit+1, 100), MaxFilterScan)
	for {
		n := min(batch, MaxFilterScan-scanned)
		keys, err := e.store.ListTag(ctx, &storage.ListTagParams{Tag: tag, After: cursor, Limit: n})
		if err != nil {
			return nil, "", err
		}
		for _, key := range keys {
			id := IDFromKey(key)
			if !strings.HasPrefix(id, prefix) {
				return page, "", nil
			}
			cursor = key
			st, _, err := loadHead(ctx, e.store, id)
			if errors.Is(err, storage.ErrNotFound) {
				continue // deleted since it was listed
			}
			if err != nil {
				return nil, "", err
			}
			scanned++
			if !f.match(st) {
				continue
			}
			if len(page) == limit {
				return page, page[limit-1], nil
			}
			page = append(page, id)
		}
		if len(keys) < n {
			return page, "", nil
		}
		if scanned >= MaxFilterScan {
			return page, IDFromKey(cursor), nil
		}
	}
}
