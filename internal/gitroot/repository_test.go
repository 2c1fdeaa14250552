package gitroot

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeGitFirst puts a directory holding only a fake `git` on PATH; the fake writes
// the returned marker when it runs.
func fakeGitFirst(t *testing.T) (marker string) {
	t.Helper()
	bin := t.TempDir()
	marker = filepath.Join(t.TempDir(), "git-ran")
	script := "#!/bin/sh\necho \"$@\" >> " + marker + "\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	return marker
}

// TestNoProcessStarted: opening a revision and reading from it starts no process: a
// fake git first (and only) on PATH never runs, and the reads still work.
func TestNoProcessStarted(t *testing.T) {
	r, first, second := fixture(t, false)
	r.git("tag", "-a", "-m", "annotated", "v1", first)
	marker := fakeGitFirst(t)
	sub := filepath.Join(r.dir, "sub")
	for rev, want := range map[string]string{first: "a: 1\n", "HEAD~1": "a: 1\n", "v1": "a: 1\n", "main": "a: 2\n", second[:10]: "a: 2\n"} {
		root := open(t, sub, rev)
		if b, err := root.ReadFile("a.yaml"); err != nil || string(b) != want {
			t.Errorf("%s: ReadFile(a.yaml) = %q, %v; want %q", rev, b, err, want)
		}
		if b, err := root.ReadFile("dir-link/b.yaml"); err != nil || string(b) != "b: 1\n" {
			t.Errorf("%s: ReadFile(dir-link/b.yaml) = %q, %v", rev, b, err)
		}
		if isDir, err := root.Stat("dir"); err != nil || !isDir {
			t.Errorf("%s: Stat(dir) = %v, %v", rev, isDir, err)
		}
		if names, err := root.ReadDir("dir"); err != nil || strings.Join(names, " ") != "b.yaml" {
			t.Errorf("%s: ReadDir(dir) = %v, %v", rev, names, err)
		}
	}
	if _, err := Open(context.Background(), sub, "no-such-branch"); err == nil {
		t.Error("Open(no-such-branch): no error")
	}
	if b, err := os.ReadFile(marker); err == nil {
		t.Fatalf("git ran: %s", b)
	}
	// The fake is what a process named git would be: the check above can fail.
	exec.Command("git", "status").Run()
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("the fake git did not run when called: %v", err)
	}
}

// TestConcurrentReads: many goroutines read through one root at once.
func TestConcurrentReads(t *testing.T) {
	r, first, _ := fixture(t, false)
	root := open(t, filepath.Join(r.dir, "sub"), first)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rel, want := "a.yaml", "a: 1\n"
			if i%2 == 1 {
				rel, want = "in-link", "b: 1\n"
			}
			b, err := root.ReadFile(rel)
			if err == nil && string(b) != want {
				err = errors.New(rel + ": got " + string(b))
			}
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := root.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := root.ReadFile("dir/b.yaml"); err != nil || string(b) != "b: 1\n" {
		t.Fatalf("after Close: %q, %v", b, err)
	}
}

// TestLinkedWorktree: a root inside a linked worktree (a .git file pointing into the
// main repository's worktrees/ directory) reads that worktree's HEAD and shared refs.
func TestLinkedWorktree(t *testing.T) {
	r, _, second := fixture(t, false)
	linked := filepath.Join(t.TempDir(), "linked")
	r.git("worktree", "add", "-q", "-b", "feature", linked)
	if fi, err := os.Lstat(filepath.Join(linked, ".git")); err != nil || fi.IsDir() {
		t.Fatalf("%s/.git is not a file: %v", linked, err)
	}
	lr := &repo{t: t, dir: linked}
	lr.write("sub/a.yaml", "a: feature\n")
	feature := lr.commit("feature")
	sub := filepath.Join(linked, "sub")
	for rev, want := range map[string]string{"HEAD": "a: feature\n", "HEAD~1": "a: 2\n", "main": "a: 2\n", "feature": "a: feature\n"} {
		root := open(t, sub, rev)
		if b, err := root.ReadFile("a.yaml"); err != nil || string(b) != want {
			t.Errorf("%s: ReadFile(a.yaml) = %q, %v; want %q", rev, b, err, want)
		}
		if root.Prefix() != "sub" {
			t.Errorf("%s: Prefix = %q", rev, root.Prefix())
		}
	}
	if got := open(t, sub, "HEAD").Commit(); got != feature {
		t.Errorf("HEAD in the linked worktree = %s, want %s", got, feature)
	}
	if got := open(t, filepath.Join(r.dir, "sub"), "HEAD").Commit(); got != second {
		t.Errorf("HEAD in the main worktree = %s, want %s", got, second)
	}
}

// TestPackedRepository: after git gc every object is in a packfile, most files are
// deltas against another, the refs are packed; reads and the size limit still work.
func TestPackedRepository(t *testing.T) {
	r := newRepo(t)
	var lines strings.Builder
	for i := 0; lines.Len() <= MaxFileSize; i++ {
		lines.WriteString("line " + strings.Repeat("x", i%50) + "\n")
	}
	big := lines.String()          // just over the limit
	small := big[:MaxFileSize-100] // under it, and alike enough to be a delta
	r.write("sub/big.txt", big)
	r.write("sub/a.yaml", "a: 1\n")
	first := r.commit("first")
	r.git("tag", "v1")
	r.write("sub/small.txt", small)
	r.write("sub/a.yaml", "a: 2\n")
	r.commit("second")
	r.git("gc", "-q", "--aggressive", "--prune=now")
	if loose := r.git("count-objects"); !strings.HasPrefix(loose, "0 objects") {
		t.Fatalf("loose objects remain: %s", loose)
	}
	if _, err := os.Stat(filepath.Join(r.dir, ".git", "refs", "tags", "v1")); err == nil {
		t.Fatal("the tag was not packed")
	}
	// One of the two large blobs is stored as a delta against the other.
	bigID, smallID := r.git("rev-parse", "HEAD:sub/big.txt"), r.git("rev-parse", "HEAD:sub/small.txt")
	packs, _ := filepath.Glob(filepath.Join(r.dir, ".git", "objects", "pack", "*.idx"))
	if len(packs) != 1 {
		t.Fatalf("packs: %v", packs)
	}
	deltas := 0
	for _, line := range strings.Split(r.git("verify-pack", "-v", packs[0]), "\n") {
		f := strings.Fields(line)
		if len(f) == 7 && (f[0] == bigID || f[0] == smallID) {
			deltas++
		}
	}
	if deltas == 0 {
		t.Fatalf("neither large blob is a delta in the pack")
	}
	sub := filepath.Join(r.dir, "sub")
	root := open(t, sub, "main")
	if b, err := root.ReadFile("small.txt"); err != nil || string(b) != small {
		t.Errorf("ReadFile(small.txt): %d bytes, %v", len(b), err)
	}
	if _, err := root.ReadFile("big.txt"); err == nil || !strings.Contains(err.Error(), "larger than the 4 MiB limit") {
		t.Errorf("ReadFile(big.txt) = %v, want the size limit", err)
	}
	for rev, want := range map[string]string{"v1": "a: 1\n", first: "a: 1\n", "HEAD~1": "a: 1\n", "HEAD": "a: 2\n"} {
		if b, err := open(t, sub, rev).ReadFile("a.yaml"); err != nil || string(b) != want {
			t.Errorf("%s: ReadFile(a.yaml) = %q, %v; want %q", rev, b, err, want)
		}
	}
}

// TestUnreadableRepositories: repository formats the reader does not handle are
// refused with a message naming what is missing, never read wrongly.
func TestUnreadableRepositories(t *testing.T) {
	tests := []struct {
		set  [][2]string // git config settings, in order
		want string
	}{
		{[][2]string{{"extensions.refStorage", "reftable"}, {"core.repositoryformatversion", "1"}}, "uses a reftable ref store, which floe's built-in git reader cannot read"},
		{[][2]string{{"core.repositoryformatversion", "1"}, {"extensions.objectFormat", "sha256"}}, "SHA-256 object names"},
		{[][2]string{{"extensions.partialClone", "origin"}}, "a partial clone"},
		{[][2]string{{"core.repositoryformatversion", "9"}}, "cannot read"},
	}
	for _, tc := range tests {
		r := newRepo(t)
		r.write("a.yaml", "a: 1\n")
		r.commit("one")
		for _, kv := range tc.set {
			r.git("config", kv[0], kv[1])
		}
		if _, err := Open(context.Background(), r.dir, "HEAD"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: Open = %v, want %q", tc.set, err, tc.want)
		}
	}
}

// TestTreeOddities: a submodule is not read into, a tree entry named .git is neither
// listed nor read through, a root inside the git directory is refused, and a
// cancelled context stops reads.
func TestTreeOddities(t *testing.T) {
	r, first, _ := fixture(t, false)
	// A commit whose tree holds a gitlink and a .git directory (git itself never
	// writes the latter; mktree does not check).
	blob := r.git("rev-parse", first+":top.yaml")
	inner := strings.TrimSpace(gitStdin(t, r.dir, "100644 blob "+blob+"\tconfig\n", "mktree"))
	tree := strings.TrimSpace(gitStdin(t, r.dir,
		"040000 tree "+inner+"\t.git\n100644 blob "+blob+"\ttop.yaml\n160000 commit "+first+"\tmodule\n", "mktree"))
	commit := r.git("commit-tree", "-m", "odd", tree)
	root := open(t, r.dir, commit)
	if _, err := root.ReadFile("module"); err == nil || !strings.Contains(err.Error(), "module at "+commit+": is a submodule") {
		t.Errorf("ReadFile(module) = %v", err)
	}
	if _, err := root.ReadFile(".git/config"); !errors.Is(err, errGitDir) {
		t.Errorf("ReadFile(.git/config) = %v, want %v", err, errGitDir)
	}
	if _, err := root.Stat(".GIT"); !errors.Is(err, errGitDir) {
		t.Errorf("Stat(.GIT) = %v", err)
	}
	if names, err := root.ReadDir("."); err != nil || strings.Join(names, " ") != "module top.yaml" {
		t.Errorf("ReadDir(.) = %v, %v", names, err)
	}
	if _, err := Open(context.Background(), filepath.Join(r.dir, ".git", "refs"), "HEAD"); err == nil || !strings.Contains(err.Error(), "not inside a git working tree") {
		t.Errorf("Open inside .git = %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	live, err := Open(ctx, r.dir, first)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	cancel()
	if _, err := live.ReadFile("top.yaml"); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadFile after cancel = %v", err)
	}
	if _, err := Open(ctx, r.dir, first); !errors.Is(err, context.Canceled) {
		t.Errorf("Open with a cancelled context = %v", err)
	}
}

func gitStdin(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out.String())
	}
	return out.String()
}

// FuzzReadFile: whatever path is asked for, a root over sub/ never panics and never
// returns what lies outside sub/.
func FuzzReadFile(f *testing.F) {
	r, first, _ := fixture(f, false)
	root := open(f, filepath.Join(r.dir, "sub"), first)
	for _, seed := range []string{"a.yaml", "out-link", "sneaky-link", "dir-link/../../outside.yaml", "loop-a", ".git/HEAD", "dir/./b.yaml"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, rel string) {
		b, err := root.ReadFile(rel)
		if err == nil && bytes.Contains(b, []byte("outside the sub root")) {
			t.Fatalf("ReadFile(%q) read outside the root", rel)
		}
		root.Stat(rel)
		root.ReadDir(rel)
	})
}

// TestSymlinkedPath: a root reached through a symlink to the working tree has the same
// prefix as the real path.
func TestSymlinkedPath(t *testing.T) {
	r, first, _ := fixture(t, false)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(r.dir, link); err != nil {
		t.Fatal(err)
	}
	root := open(t, filepath.Join(link, "sub", "dir"), first)
	if root.Prefix() != "sub/dir" {
		t.Errorf("Prefix = %q, want sub/dir", root.Prefix())
	}
	if b, err := root.ReadFile("b.yaml"); err != nil || string(b) != "b: 1\n" {
		t.Errorf("ReadFile(b.yaml) = %q, %v", b, err)
	}
}

// TestLooseObjectLongerThanItsHeader: a loose object whose compressed stream runs on
// past the size its header declares is refused after that size, not read to its end.
func TestLooseObjectLongerThanItsHeader(t *testing.T) {
	r, first, _ := fixture(t, false)
	oid := r.git("rev-parse", first+":sub/a.yaml")
	p := filepath.Join(r.dir, ".git", "objects", oid[:2], oid[2:])
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte("blob 5\x00"))
	zw.Write(make([]byte, 64<<20))
	zw.Close()
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := open(t, filepath.Join(r.dir, "sub"), first).ReadFile("a.yaml")
	if !errors.Is(err, errCorrupt) {
		t.Fatalf("ReadFile = %v, want %v", err, errCorrupt)
	}
}

// TestObjectReadersCannotExec: the go-git packages objects are read with link neither
// os/exec nor the network (go-git's transports, which do, are never called).
func TestObjectReadersCannotExec(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list dependencies with")
	}
	out, err := exec.Command(goBin, "list", "-deps",
		"github.com/go-git/go-git/v5/storage/filesystem",
		"github.com/go-git/go-git/v5/plumbing/format/objfile",
		"github.com/go-git/go-git/v5/plumbing/object").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("too few dependencies listed: %v", deps)
	}
	for _, d := range deps {
		if d == "os/exec" || d == "net" || strings.Contains(d, "/transport") {
			t.Errorf("an object reader depends on %s", d)
		}
	}
}
