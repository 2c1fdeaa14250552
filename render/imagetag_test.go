package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/gitroot"
	"github.com/floe-dev/floe/internal/gittest"
)

const (
	shaA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	shaB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// gitRoot writes files (path → content, "" content = directory) into a temporary root.
func gitRoot(t testing.TB, files map[string]string) config.Root {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if c == "" && strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestResolveImageTag: the flag, then ARGOCD_APP_REVISION, then HEAD of the root's
// git working tree (read by internal/gitroot: a repository, a linked worktree whose .git
// is a file, a detached HEAD) or a git-commit root's own commit.
func TestResolveImageTag(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	main := gittest.Init(t, filepath.Join(t.TempDir(), "main"))
	first := main.Commit(map[string]string{"floe.yaml": "a: 1\n"})
	second := main.Commit(map[string]string{"floe.yaml": "a: 2\n"})
	main.Branch("feature", first)
	worktree := filepath.Join(t.TempDir(), "worktree")
	main.LinkedWorktree(worktree, "worktree", "ref: refs/heads/feature")
	detached := filepath.Join(t.TempDir(), "detached")
	main.LinkedWorktree(detached, "detached", first)
	unborn := filepath.Join(t.TempDir(), "unborn")
	main.LinkedWorktree(unborn, "unborn", "ref: refs/heads/none")
	garbage := filepath.Join(t.TempDir(), "garbage")
	main.LinkedWorktree(garbage, "garbage", "hello")
	atFirst, err := gitroot.Open(context.Background(), main.Dir, first)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { atFirst.Close() })
	osRoot := func(dir string) config.Root {
		r, err := config.OSRoot(dir)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := map[string]struct {
		root   config.Root
		flag   string
		getenv func(string) string
		want   string
		err    string
	}{
		"flag wins":            {osRoot(main.Dir), "ABCDEF1", env("ARGOCD_APP_REVISION", shaA), "abcdef1", ""},
		"argo cd revision":     {osRoot(main.Dir), "", env("ARGOCD_APP_REVISION", shaA), shaA, ""},
		"repository head":      {osRoot(main.Dir), "", env(), second, ""},
		"linked worktree":      {osRoot(worktree), "", nil, first, ""},
		"detached worktree":    {osRoot(detached), "", nil, first, ""},
		"git revision root":    {atFirst, "", nil, first, ""},
		"no git":               {gitRoot(t, map[string]string{"README": "x"}), "", nil, "", "not a git checkout"},
		"unborn branch":        {osRoot(unborn), "", nil, "", "unborn"},
		"garbage head":         {osRoot(garbage), "", nil, "", "not an object"},
		"bad flag":             {osRoot(main.Dir), "v1.2.3", nil, "", "--image-tag"},
		"short flag":           {osRoot(main.Dir), "abc12", nil, "", "7 to 40 hex"},
		"bad argo cd revision": {osRoot(main.Dir), "", env("ARGOCD_APP_REVISION", "main"), "", "ARGOCD_APP_REVISION"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ResolveImageTag(tc.root, tc.flag, tc.getenv)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %q, %v; want error %q", got, err, tc.err)
				}
				var ec diag.ExitCode
				if !errors.As(err, &ec) || ec.ExitCode() != 2 {
					t.Errorf("error is not a usage error (exit 2)")
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// FuzzResolveImageTag feeds arbitrary HEAD and packed-refs contents to a real
// repository: never a panic, and any tag returned is 7–40 lower-case hex digits.
func FuzzResolveImageTag(f *testing.F) {
	f.Add(shaA+"\n", "")
	f.Add("ref: refs/heads/main\n", shaA+" refs/heads/main\n")
	f.Add("ref: refs/heads/x y\n", "# comment\n"+shaB+" refs/heads/x y\n")
	f.Add("ref:refs/tags/v1", "\x00\xff")
	f.Fuzz(func(t *testing.T, head, packed string) {
		repo := gittest.Init(t, t.TempDir())
		repo.Commit(map[string]string{"floe.yaml": "a: 1\n"})
		for name, content := range map[string]string{"HEAD": head, "packed-refs": packed} {
			if err := os.WriteFile(filepath.Join(repo.Dir, ".git", name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		root, err := config.OSRoot(repo.Dir)
		if err != nil {
			t.Fatal(err)
		}
		tag, err := ResolveImageTag(root, "", nil)
		if err != nil {
			return
		}
		if !reHexTag.MatchString(tag) || strings.ToLower(tag) != tag {
			t.Fatalf("tag %q from HEAD %q", tag, head)
		}
	})
}
