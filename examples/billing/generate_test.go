package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// generatePrefix is how every directive of gen/generate.go runs infgen.
const generatePrefix = "//go:generate go run github.com/infgen/infgen/cmd/infgen "

// TestGeneratedCodeIsFresh runs every go:generate directive of
// gen/generate.go into a temporary directory and fails on any difference
// with the committed packages: run `go generate ./examples/billing/gen` and
// commit the result to fix it.
func TestGeneratedCodeIsFresh(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds infgen; skipped with -short")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "infgen")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/infgen/infgen/cmd/infgen").CombinedOutput()
	require.NoError(t, err, "go build infgen: %s", out)

	directives := readDirectives(t, filepath.Join("gen", "generate.go"))
	require.NotEmpty(t, directives)
	for _, args := range directives {
		i := indexOf(args, "--out")
		require.GreaterOrEqual(t, i, 0, "directive without --out: %v", args)
		committed := filepath.Join("gen", args[i+1])
		fresh := filepath.Join(tmp, "out", args[i+1])
		args[i+1] = fresh
		cmd := exec.Command(bin, args...)
		cmd.Dir = "gen"
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "infgen %s: %s", strings.Join(args, " "), out)
		requireSameTree(t, committed, fresh)
	}
}

// readDirectives returns the infgen arguments of each go:generate line.
func readDirectives(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out [][]string
	for s := bufio.NewScanner(f); s.Scan(); {
		line := s.Text()
		if strings.HasPrefix(line, "//go:generate ") {
			require.True(t, strings.HasPrefix(line, generatePrefix), "unexpected directive %q", line)
			out = append(out, strings.Fields(strings.TrimPrefix(line, generatePrefix)))
		}
	}
	return out
}

func indexOf(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return -1
}

// requireSameTree fails unless both directories hold the same files with
// the same contents.
func requireSameTree(t *testing.T, want, got string) {
	t.Helper()
	wantFiles, gotFiles := listFiles(t, want), listFiles(t, got)
	require.Equal(t, wantFiles, gotFiles, "files of %s differ from a fresh generation; run go generate ./examples/billing/gen", want)
	for _, name := range wantFiles {
		w, err := os.ReadFile(filepath.Join(want, name))
		require.NoError(t, err)
		g, err := os.ReadFile(filepath.Join(got, name))
		require.NoError(t, err)
		require.Equal(t, string(w), string(g), "%s/%s is stale; run go generate ./examples/billing/gen", want, name)
	}
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	require.NoError(t, err)
	return names
}
