package servers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
)

// journal is an append-only file of JSON lines: every record a server keeps
// is appended once, and replayed when the server starts again. A nil
// journal keeps nothing.
type journal[T any] struct {
	mu sync.Mutex
	f  *os.File
}

// openJournal opens (or creates) the journal at path and calls replay for
// every record in it, in order. A torn last line (the process was killed
// while writing it) is cut off. An empty path returns a nil journal.
func openJournal[T any](path string, replay func(T)) (*journal[T], error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	good, err := replayLines(f, replay)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("replay journal %s: %w", path, err)
	}
	if err := f.Truncate(good); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("truncate torn end of journal %s: %w", path, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("seek journal %s: %w", path, err)
	}
	return &journal[T]{f: f}, nil
}

// replayLines decodes complete lines of r and returns the offset after the
// last good one.
func replayLines[T any](r io.Reader, replay func(T)) (int64, error) {
	br := bufio.NewReader(r)
	var good int64
	for {
		line, err := br.ReadBytes('\n')
		if err == io.EOF {
			return good, nil // a line without its newline is torn: drop it
		}
		if err != nil {
			return good, err
		}
		var v T
		if err := json.Unmarshal(bytes.TrimSpace(line), &v); err != nil {
			return good, nil
		}
		replay(v)
		good += int64(len(line))
	}
}

// Append writes v as one line. A single write of a whole line survives a
// kill -9 of the process (it reaches the page cache at once).
func (j *journal[T]) Append(v T) error {
	if j == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode journal record: %w", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("append to journal %s: %w", j.f.Name(), err)
	}
	return nil
}

// Close closes the file.
func (j *journal[T]) Close() error {
	if j == nil {
		return nil
	}
	return j.f.Close()
}
