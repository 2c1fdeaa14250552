package gitroot

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/internal/gittest"
)

// TestHead: the commit HEAD names, in a repository, a linked worktree (its .git a
// file) on a branch and detached, and after the refs are packed; a directory without
// .git, a .git symlink, an unborn branch and a HEAD that names no object are refused.
func TestHead(t *testing.T) {
	marker := fakeGitFirst(t)
	main := gittest.Init(t, filepath.Join(t.TempDir(), "main"))
	first := main.Commit(map[string]string{"a.yaml": "a: 1\n"})
	second := main.Commit(map[string]string{"a.yaml": "a: 2\n"})
	main.Branch("feature", first)

	onBranch := filepath.Join(t.TempDir(), "on-branch")
	main.LinkedWorktree(onBranch, "on-branch", "ref: refs/heads/feature")
	detached := filepath.Join(t.TempDir(), "detached")
	main.LinkedWorktree(detached, "detached", first)
	unborn := filepath.Join(t.TempDir(), "unborn")
	main.LinkedWorktree(unborn, "unborn", "ref: refs/heads/nothing-yet")
	bogus := filepath.Join(t.TempDir(), "bogus")
	main.LinkedWorktree(bogus, "bogus", strings.Repeat("c", 40))
	escapes := filepath.Join(t.TempDir(), "escapes")
	main.LinkedWorktree(escapes, "escapes", "ref: ../../../etc/passwd")
	plain := t.TempDir()
	linked := t.TempDir()
	if err := os.Symlink(filepath.Join(main.Dir, ".git"), filepath.Join(linked, ".git")); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ name, dir, want, err string }{
		{"repository", main.Dir, second, ""},
		{"linked worktree on a branch", onBranch, first, ""},
		{"detached linked worktree", detached, first, ""},
		{"no .git", plain, "", config.ErrNoGit.Error()},
		{".git symlink", linked, "", "symlink"},
		{"unborn branch", unborn, "", "unborn"},
		{"HEAD names no object", bogus, "", "not an object"},
		{"HEAD names a path", escapes, "", "unexpected ref"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Head(tc.dir)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Head = %q, %v; want an error with %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Head = %q, %v; want %s", got, err, tc.want)
			}
		})
	}
	if _, err := Head(plain); !errors.Is(err, config.ErrNoGit) {
		t.Errorf("no .git: %v is not config.ErrNoGit", err)
	}
	if b, err := os.ReadFile(marker); err == nil {
		t.Fatalf("git ran: %s", b)
	}
}
