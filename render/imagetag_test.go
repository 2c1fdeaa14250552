package render

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
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
	tests := map[string]struct {
		files  map[string]string
		flag   string
		getenv func(string) string
		want   string
		err    string
	}{
		"flag wins":            {map[string]string{".git/HEAD": shaB + "\n"}, "ABCDEF1", env("ARGOCD_APP_REVISION", shaA), "abcdef1", ""},
		"argo cd revision":     {map[string]string{".git/HEAD": shaB + "\n"}, "", env("ARGOCD_APP_REVISION", shaA), shaA, ""},
		"detached head":        {map[string]string{".git/HEAD": shaB + "\n"}, "", nil, shaB, ""},
		"loose ref":            {map[string]string{".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": shaA + "\n"}, "", env(), shaA, ""},
		"packed ref":           {map[string]string{".git/HEAD": "ref: refs/heads/main\n", ".git/packed-refs": "# pack-refs with: peeled fully-peeled sorted\n" + shaB + " refs/heads/dev\n" + shaA + " refs/heads/main\n^" + shaB + "\n"}, "", nil, shaA, ""},
		"no git":               {map[string]string{"README": "x"}, "", nil, "", "not a git checkout"},
		"worktree file":        {map[string]string{".git": "gitdir: /elsewhere/.git/worktrees/x\n"}, "", nil, "", ".git is a file"},
		"unborn branch":        {map[string]string{".git/HEAD": "ref: refs/heads/main\n", ".git/refs/": ""}, "", nil, "", "unborn"},
		"ref not packed":       {map[string]string{".git/HEAD": "ref: refs/heads/main\n", ".git/packed-refs": shaA + " refs/heads/other\n"}, "", nil, "", "not found in .git/packed-refs"},
		"ref escapes":          {map[string]string{".git/HEAD": "ref: refs/../../../etc/passwd\n"}, "", nil, "", "unexpected ref"},
		"garbage head":         {map[string]string{".git/HEAD": "hello\n"}, "", nil, "", "not a git commit SHA"},
		"bad flag":             {nil, "v1.2.3", nil, "", "--image-tag"},
		"short flag":           {nil, "abc12", nil, "", "7 to 40 hex"},
		"bad argo cd revision": {nil, "", env("ARGOCD_APP_REVISION", "main"), "", "ARGOCD_APP_REVISION"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			root := gitRoot(t, tc.files)
			got, err := ResolveImageTag(root, tc.flag, tc.getenv)
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

// FuzzResolveImageTag feeds arbitrary HEAD and packed-refs contents: never a panic, and
// any tag returned is 7–40 lower-case hex digits.
func FuzzResolveImageTag(f *testing.F) {
	f.Add(shaA+"\n", "")
	f.Add("ref: refs/heads/main\n", shaA+" refs/heads/main\n")
	f.Add("ref: refs/heads/x y\n", "# comment\n"+shaB+" refs/heads/x y\n")
	f.Add("ref:refs/tags/v1", "\x00\xff")
	f.Fuzz(func(t *testing.T, head, packed string) {
		root := gitRoot(t, map[string]string{".git/HEAD": head, ".git/packed-refs": packed})
		tag, err := ResolveImageTag(root, "", nil)
		if err != nil {
			return
		}
		if !reHexTag.MatchString(tag) || strings.ToLower(tag) != tag {
			t.Fatalf("tag %q from HEAD %q", tag, head)
		}
	})
}
