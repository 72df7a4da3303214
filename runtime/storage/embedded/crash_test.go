package embedded_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/runtime/storage"
	"github.com/infgen/infgen/runtime/storage/embedded"
)

// envCrashChild names the file the child process writes to.
const envCrashChild = "INFGEN_EMBEDDED_CRASH_CHILD"

const crashWriters = 8

// TestKill9KeepsAcknowledgedWrites runs writers in a child process, kills it
// with SIGKILL at a random moment, reopens the file and checks that every
// write the child saw acknowledged is there, with its tag, several times over.
// While the child runs, opening the file from this process must fail.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	acked := map[string]int64{}
	for round := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
		cmd.Env = append(os.Environ(), envCrashChild+"="+path)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())

		lines := bufio.NewScanner(out)
		deadline := time.After(time.Duration(50+rand.IntN(250)) * time.Millisecond)
		killed, probed := false, false
		for !killed && lines.Scan() {
			if id, v, ok := parseAck(lines.Text()); ok && v > acked[id] {
				acked[id] = v
				if !probed {
					// The child holds the file: a second process must be refused.
					_, err := embedded.Open(path, embedded.WithLockTimeout(50*time.Millisecond))
					require.ErrorContains(t, err, "locked by another process", "round %d", round)
					probed = true
				}
			}
			select {
			case <-deadline:
				require.NoError(t, cmd.Process.Kill())
				killed = true
			default:
			}
		}
		for lines.Scan() { // acknowledgements already in the pipe
			if id, v, ok := parseAck(lines.Text()); ok && v > acked[id] {
				acked[id] = v
			}
		}
		_ = cmd.Wait()
		require.True(t, killed, "round %d: the child ended before it was killed", round)

		s, err := embedded.Open(path)
		require.NoError(t, err, "round %d: reopen after kill -9", round)
		for i := range crashWriters {
			id := "counter-" + strconv.Itoa(i)
			rec, err := s.Get(context.Background(), &storage.GetParams{ID: id})
			if acked[id] == 0 && errors.Is(err, storage.ErrNotFound) {
				continue
			}
			require.NoError(t, err, "round %d: %s", round, id)
			require.GreaterOrEqual(t, rec.Version, acked[id], "round %d: %s lost an acknowledged write", round, id)
			require.Equal(t, strconv.FormatInt(rec.Version, 10), string(rec.Data), "round %d: %s data and version disagree", round, id)
			ids, err := s.ListTag(context.Background(), &storage.ListTagParams{Tag: "v" + strconv.FormatInt(rec.Version, 10)})
			require.NoError(t, err)
			require.Contains(t, ids, id, "round %d: %s lost the tag written with it", round, id)
		}
		require.NoError(t, s.Close())
	}
	total := int64(0)
	for _, v := range acked {
		total += v
	}
	t.Logf("%d acknowledged writes survived 5 kills", total)
	require.Positive(t, total)
}

func parseAck(line string) (string, int64, bool) {
	id, v, ok := strings.Cut(line, " ")
	if !ok || !strings.HasPrefix(id, "counter-") {
		return "", 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return id, n, err == nil
}

// TestCrashChild is the child of TestKill9KeepsAcknowledgedWrites: it
// increments counters until it is killed, printing "id version" after each
// acknowledged write.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(envCrashChild)
	if path == "" {
		t.Skip("runs only as the child of TestKill9KeepsAcknowledgedWrites")
	}
	s, err := embedded.Open(path, embedded.WithLockTimeout(10*time.Second))
	require.NoError(t, err)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range crashWriters {
		wg.Go(func() {
			ctx := context.Background()
			id := "counter-" + strconv.Itoa(i)
			for {
				var version int64
				rec, err := s.Get(ctx, &storage.GetParams{ID: id})
				if err == nil {
					version = rec.Version
				}
				next := strconv.FormatInt(version+1, 10)
				v, err := s.Put(ctx, &storage.PutParams{
					ID: id, Version: version, Data: []byte(next),
					AddTags: []string{"v" + next}, RemoveTags: []string{"v" + strconv.FormatInt(version, 10)},
				})
				if err != nil {
					panic(fmt.Sprintf("put %s: %v", id, err))
				}
				mu.Lock()
				fmt.Printf("%s %d\n", id, v)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
