package gitroot

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	_ "github.com/floe-dev/floe/golden" // the -update flag
)

// repo is a temporary git repository driven by the system git.
type repo struct {
	t   testing.TB
	dir string
}

func newRepo(t testing.TB) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is needed for these tests: %v", err)
	}
	home := t.TempDir()
	t.Setenv("HOME", home) // no user configuration reaches the test repository
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	r := &repo{t: t, dir: filepath.Join(t.TempDir(), "repo")}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = r.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *repo) write(rel, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) symlink(target, rel string) {
	r.t.Helper()
	p := filepath.Join(r.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

func open(t testing.TB, dir, rev string) *Root {
	t.Helper()
	root, err := Open(context.Background(), dir, rev)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root
}

// fixture commits a tree with files, links of every kind and a big file, then changes
// the working tree and the index without committing.
func fixture(t testing.TB, big bool) (r *repo, first, second string) {
	r = newRepo(t)
	r.write("top.yaml", "top: 1\n")
	r.write("sub/a.yaml", "a: 1\n")
	r.write("sub/dir/b.yaml", "b: 1\n")
	r.write("outside.yaml", "secret: outside the sub root\n")
	r.symlink("dir/b.yaml", "sub/in-link")
	r.symlink("dir", "sub/dir-link")
	r.symlink("../outside.yaml", "sub/out-link")
	r.symlink("dir/../../outside.yaml", "sub/dir/../sneaky-link")
	r.symlink("/etc/passwd", "sub/abs-link")
	r.symlink("loop-b", "sub/loop-a")
	r.symlink("loop-a", "sub/loop-b")
	r.symlink("missing.yaml", "sub/dangling")
	if big {
		r.write("sub/big.bin", strings.Repeat("x", MaxFileSize+1))
		r.write("sub/limit.bin", strings.Repeat("y", MaxFileSize))
	}
	first = r.commit("first")
	r.write("sub/a.yaml", "a: 2\n")
	r.write("sub/new.yaml", "new: 1\n")
	second = r.commit("second")
	// Uncommitted work the root must neither see nor touch.
	r.write("sub/a.yaml", "a: working tree\n")
	r.write("sub/untracked.yaml", "u: 1\n")
	r.git("add", "sub/untracked.yaml")
	return r, first, second
}

func TestReadFile(t *testing.T) {
	r, first, second := fixture(t, true)
	sub := filepath.Join(r.dir, "sub")
	statusBefore := r.git("status", "--porcelain")
	tests := []struct {
		rev, dir, rel string
		want          string
		wantErr       string
		notExist      bool
		outside       bool
	}{
		{rev: first, dir: r.dir, rel: "top.yaml", want: "top: 1\n"},
		{rev: first, dir: sub, rel: "a.yaml", want: "a: 1\n"},
		{rev: second, dir: sub, rel: "a.yaml", want: "a: 2\n"},
		{rev: "HEAD~1", dir: sub, rel: "./dir/../a.yaml", want: "a: 1\n"},
		{rev: "main", dir: sub, rel: "a.yaml", want: "a: 2\n"},
		{rev: first, dir: sub, rel: "dir/b.yaml", want: "b: 1\n"},
		{rev: first, dir: sub, rel: "in-link", want: "b: 1\n"},
		{rev: first, dir: sub, rel: "dir-link/b.yaml", want: "b: 1\n"},
		{rev: first, dir: r.dir, rel: "sub/out-link", want: "secret: outside the sub root\n"}, // inside this root
		{rev: first, dir: sub, rel: "out-link", wantErr: "out-link at " + first + ": a symlink resolves outside the root", outside: true},
		{rev: first, dir: sub, rel: "sneaky-link", wantErr: "a symlink resolves outside the root", outside: true},
		{rev: first, dir: sub, rel: "abs-link", wantErr: `a symlink resolves outside the root (to "/etc/passwd")`, outside: true},
		{rev: first, dir: sub, rel: "../outside.yaml", wantErr: "climbs out of the root", outside: true},
		{rev: first, dir: sub, rel: "/etc/passwd", wantErr: "is absolute", outside: true},
		{rev: first, dir: sub, rel: "loop-a", wantErr: "too many levels of symlinks"},
		{rev: first, dir: sub, rel: "dangling", notExist: true},
		{rev: first, dir: sub, rel: "new.yaml", notExist: true},
		{rev: second, dir: sub, rel: "untracked.yaml", notExist: true},
		{rev: first, dir: sub, rel: "dir", wantErr: "dir at " + first + ": is a directory"},
		{rev: first, dir: sub, rel: "a.yaml/x", wantErr: "not a directory"},
		{rev: first, dir: sub, rel: "big.bin", wantErr: "file is 4194305 bytes, larger than the 4 MiB limit"},
	}
	for _, tc := range tests {
		t.Run(tc.rev[:min(len(tc.rev), 7)]+" "+strings.TrimPrefix(tc.dir, r.dir)+" "+tc.rel, func(t *testing.T) {
			root := open(t, tc.dir, tc.rev)
			got, err := root.ReadFile(tc.rel)
			switch {
			case tc.notExist:
				if !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("error = %v, want fs.ErrNotExist", err)
				}
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				if tc.outside != errors.Is(err, config.ErrOutsideRoot) {
					t.Errorf("errors.Is(err, ErrOutsideRoot) = %v", !tc.outside)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tc.want {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			}
		})
	}
	t.Run("exactly the limit", func(t *testing.T) {
		got, err := open(t, sub, first).ReadFile("limit.bin")
		if err != nil || len(got) != MaxFileSize || got[0] != 'y' {
			t.Fatalf("len %d, err %v", len(got), err)
		}
	})
	if after := r.git("status", "--porcelain"); after != statusBefore {
		t.Errorf("the working tree or index changed:\nbefore %s\nafter %s", statusBefore, after)
	}
	if b, _ := os.ReadFile(filepath.Join(sub, "a.yaml")); string(b) != "a: working tree\n" {
		t.Errorf("working tree file changed: %q", b)
	}
}

func TestStatAndReadDir(t *testing.T) {
	r, first, second := fixture(t, false)
	sub := filepath.Join(r.dir, "sub")
	root := open(t, sub, first)
	for rel, want := range map[string]bool{".": true, "dir": true, "dir-link": true, "a.yaml": false, "in-link": false} {
		if isDir, err := root.Stat(rel); err != nil || isDir != want {
			t.Errorf("Stat(%q) = %v, %v; want %v", rel, isDir, err, want)
		}
	}
	if _, err := root.Stat("nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(nope) = %v, want not-exist", err)
	}
	got, err := root.ReadDir(".")
	want := "a.yaml abs-link dangling dir dir-link in-link loop-a loop-b out-link sneaky-link"
	if err != nil || strings.Join(got, " ") != want {
		t.Errorf("ReadDir(.) = %v, %v\nwant %s", got, err, want)
	}
	if got, err := root.ReadDir("dir-link"); err != nil || strings.Join(got, " ") != "b.yaml" {
		t.Errorf("ReadDir(dir-link) = %v, %v", got, err)
	}
	if _, err := root.ReadDir("a.yaml"); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("ReadDir(a.yaml) = %v", err)
	}
	if got, _ := open(t, sub, second).ReadDir("."); !strings.Contains(strings.Join(got, " "), "new.yaml") {
		t.Errorf("second commit lacks new.yaml: %v", got)
	}
	if root.Dir() != "" || root.Prefix() != "sub" || root.Commit() != first {
		t.Errorf("Dir %q Prefix %q Commit %q", root.Dir(), root.Prefix(), root.Commit())
	}
}

func TestOpenErrors(t *testing.T) {
	r, first, _ := fixture(t, false)
	blob := r.git("rev-parse", first+":top.yaml")
	notRepo := t.TempDir()
	r.write("only-in-working-tree/x.yaml", "x: 1\n")
	tests := []struct{ dir, rev, want string }{
		{r.dir, "", "not a revision"},
		{r.dir, "--output=/tmp/x", "not a revision"},
		{r.dir, "HEAD\nmain", "not a revision"},
		{r.dir, "no-such-branch", `git revision "no-such-branch": not a commit`},
		{r.dir, blob, "not a commit"},
		{notRepo, "HEAD", "not inside a git working tree"},
		{filepath.Join(r.dir, "only-in-working-tree"), first, "the root directory only-in-working-tree does not exist"},
	}
	for _, tc := range tests {
		_, err := Open(context.Background(), tc.dir, tc.rev)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%s, %q) = %v, want %q", tc.dir, tc.rev, err, tc.want)
		}
	}
}

// TestNoRepositoryProgramRuns: a repository's configuration and the caller's
// environment cannot make the root run programs or read another repository.
func TestNoRepositoryProgramRuns(t *testing.T) {
	r, first, _ := fixture(t, false)
	marker := filepath.Join(t.TempDir(), "ran")
	script := filepath.Join(t.TempDir(), "evil.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kv := range [][2]string{
		{"core.fsmonitor", script}, {"core.pager", script}, {"pager.cat-file", script},
		{"core.hooksPath", filepath.Dir(script)}, {"core.sshCommand", script}, {"credential.helper", "!" + script},
	} {
		r.git("config", kv[0], kv[1])
	}
	for _, h := range []string{"post-checkout", "post-index-change", "reference-transaction"} {
		if err := os.WriteFile(filepath.Join(r.dir, ".git", "hooks", h), []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("GIT_DIR", t.TempDir())      // would point git elsewhere
	t.Setenv("GIT_EXTERNAL_DIFF", script) // would run on diffs
	t.Setenv("GIT_PAGER", script)
	root := open(t, filepath.Join(r.dir, "sub"), first)
	if b, err := root.ReadFile("in-link"); err != nil || string(b) != "b: 1\n" {
		t.Fatalf("ReadFile = %q, %v", b, err)
	}
	if _, err := root.ReadDir("dir"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a repository-configured program ran")
	}
}
