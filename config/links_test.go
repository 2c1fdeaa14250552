package config

import (
	"errors"
	"io/fs"
	"path"
	"strings"
	"testing"
)

// TestWalkLinks drives the one symlink walk over an in-memory tree (path → symlink
// target, "" a directory or file): relative, root-relative ("/…") and chained targets,
// ".." after a symlink, a climb above the root and a loop.
func TestWalkLinks(t *testing.T) {
	tree := map[string]string{
		"a": "", "a/b": "", "a/b/f.yaml": "",
		"to-b":       "a/b",
		"a/up":       "../a/b/f.yaml",
		"a/rooted":   "/a/b",
		"chain":      "to-b",
		"a/b/escape": "../../..",
		"loop":       "loop",
		"a/b/dot":    ".",
		"a/b/parent": "..",
	}
	lookup := func(dir string, name string) (string, string, bool, error) {
		p := path.Join(dir, name)
		target, ok := tree[p]
		if !ok {
			return "", "", false, fs.ErrNotExist
		}
		return p, target, target != "", nil
	}
	for _, tc := range []struct{ in, want, err string }{
		{".", ".", ""},
		{"to-b/f.yaml", "a/b/f.yaml", ""},
		{"a/up", "a/b/f.yaml", ""},
		{"a/rooted/f.yaml", "a/b/f.yaml", ""},
		{"chain/f.yaml", "a/b/f.yaml", ""},
		{"to-b/../b/f.yaml", "a/b/f.yaml", ""},
		{"a/b/dot/f.yaml", "a/b/f.yaml", ""},
		{"a/b/parent/b", "a/b", ""},
		{"a/b/escape", "", "a/b/escape: a symlink resolves outside the root"},
		{"loop", "", "loop: too many levels of symlinks"},
		{"a/missing", "", fs.ErrNotExist.Error()},
	} {
		got, err := WalkLinks(tc.in, tc.in, ".", lookup)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %q, %v; want error %q", tc.in, got, err, tc.err)
			}
			if strings.Contains(tc.err, "outside") && !errors.Is(err, ErrOutsideRoot) {
				t.Errorf("%s: %v is not ErrOutsideRoot", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
