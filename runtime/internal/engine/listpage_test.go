package engine

import (
	"testing"
	"unicode/utf8"
)

// TestJustBefore: the cursor sorts below the key and above the keys below
// it that ids make, and stays valid UTF-8.
func TestJustBefore(t *testing.T) {
	for _, c := range []struct {
		key   string
		below []string // keys below key, which the cursor must not be under
	}{
		{"wf/b-1", []string{"wf/b-0", "wf/b-0\U0010fffe", "wf/b-", "wf/b-09999"}},
		{"wf/b", []string{"wf/a", "wf/azzzz"}},
		{"wf/é", []string{"wf/è", "wf/èèè", "wf/e"}},
		{"wf/x\ue000", []string{"wf/x\ud7ff", "wf/x\ud7ffz", "wf/x"}},
		{"wf/a\x00", []string{"wf/a"}},
	} {
		cur := justBefore(c.key)
		if !(cur < c.key) {
			t.Errorf("justBefore(%q) = %q, not below it", c.key, cur)
		}
		if !utf8.ValidString(cur) {
			t.Errorf("justBefore(%q) = %q, not UTF-8", c.key, cur)
		}
		for _, b := range c.below {
			if !(b <= cur) {
				t.Errorf("justBefore(%q) = %q, below %q: the page would start there", c.key, cur, b)
			}
		}
	}
}
