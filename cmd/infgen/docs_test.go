package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// docFiles are the Markdown files whose examples are checked.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../docs/*.md")
	require.NoError(t, err)
	return append(files, "../../README.md")
}

// codeBlock is a fenced block of a Markdown file.
type codeBlock struct {
	file, lang string
	line       int
	body       []string
	// snippet is the source file a "<!-- snippet: PATH -->" comment right
	// before the block says it is taken from.
	snippet string
}

var snippetComment = regexp.MustCompile(`^<!-- snippet: (\S+) -->$`)

func codeBlocks(t *testing.T, file string) []codeBlock {
	t.Helper()
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	var blocks []codeBlock
	var cur *codeBlock
	snippet := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &codeBlock{file: file, lang: strings.TrimPrefix(line, "```"), line: n, snippet: snippet}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.body = append(cur.body, line)
		}
		if m := snippetComment.FindStringSubmatch(line); m != nil {
			snippet = m[1]
		} else if !strings.HasPrefix(line, "```") {
			snippet = ""
		}
	}
	require.NoError(t, sc.Err())
	return blocks
}

// shellWords splits a command line as a shell would for simple quoting,
// dropping a trailing comment.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == '#' && !inWord:
			return words
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// TestDocCommandsExist parses every `infgen …` command shown in the docs
// with the CLI's own command tree: the command, its flags and its number
// of arguments must exist.
func TestDocCommandsExist(t *testing.T) {
	checked := 0
	for _, file := range docFiles(t) {
		for _, b := range codeBlocks(t, file) {
			if b.lang != "sh" && b.lang != "console" && b.lang != "" {
				continue
			}
			for i := 0; i < len(b.body); i++ {
				line := strings.TrimPrefix(strings.TrimSpace(b.body[i]), "$ ")
				for strings.HasSuffix(line, `\`) && i+1 < len(b.body) {
					i++
					line = strings.TrimSuffix(line, `\`) + " " + strings.TrimSpace(b.body[i])
				}
				for _, part := range strings.Split(line, "&&") {
					args := shellWords(strings.TrimSpace(part))
					for j, a := range args { // redirections and pipes end the command
						if strings.HasPrefix(a, ">") || a == "|" || a == "<" || a == "2>&1" {
							args = args[:j]
							break
						}
					}
					if len(args) == 0 || args[0] != "infgen" || strings.Contains(part, "[--") {
						continue // not infgen, or a synopsis ("[--flag VALUE]")
					}
					where := b.file + ":" + strconv.Itoa(b.line+1+i)
					root := newRootCmd()
					cmd, rest, err := root.Find(args[1:])
					require.NoError(t, err, "%s: %s", where, part)
					require.NotEqual(t, root, cmd, "%s: no such command: %s", where, part)
					require.NoError(t, cmd.ParseFlags(rest), "%s: %s", where, part)
					if cmd.Args != nil {
						require.NoError(t, cmd.ValidateArgs(cmd.Flags().Args()), "%s: %s", where, part)
					}
					checked++
				}
			}
		}
	}
	require.Greater(t, checked, 20, "the docs show infgen commands")
}

// TestDocSnippetsMatchTheirSource: a code block marked
// "<!-- snippet: PATH -->" is a verbatim excerpt of PATH.
func TestDocSnippetsMatchTheirSource(t *testing.T) {
	checked := 0
	for _, file := range docFiles(t) {
		for _, b := range codeBlocks(t, file) {
			if b.snippet == "" {
				continue
			}
			src, err := os.ReadFile(filepath.Join("../..", b.snippet))
			require.NoError(t, err, "%s:%d: snippet source", b.file, b.line)
			require.Contains(t, string(src), strings.Join(b.body, "\n"),
				"%s:%d: the snippet is not an excerpt of %s: copy it again", b.file, b.line, b.snippet)
			checked++
		}
	}
	require.NotZero(t, checked)
}
