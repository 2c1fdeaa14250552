// Package gittest builds real git repositories for tests with go-git, without
// starting a git process: a repository with commits, and a linked worktree laid out as
// `git worktree add` lays it out (a .git file naming the main repository's
// worktrees/NAME directory, which holds HEAD, commondir and gitdir).
package gittest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Repo is a repository with a working tree at Dir.
type Repo struct {
	t    testing.TB
	Dir  string
	repo *git.Repository
}

// Init makes a repository at dir (created if missing) on branch main.
func Init(t testing.TB, dir string) *Repo {
	t.Helper()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Repo{t: t, Dir: dir, repo: repo}
}

// Commit writes files (slash path → content) into the working tree, stages every
// change and commits it; it returns the commit's SHA.
func (r *Repo) Commit(files map[string]string) string {
	r.t.Helper()
	for p, content := range files {
		full := filepath.Join(r.Dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	wt, err := r.repo.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
	sig := &object.Signature{Name: "floe test", Email: "test@floe.dev", When: time.Unix(1700000000, 0).UTC()}
	h, err := wt.Commit("test commit", &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		r.t.Fatal(err)
	}
	return h.String()
}

// Branch points branch at commit sha.
func (r *Repo) Branch(name, sha string) {
	r.t.Helper()
	ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName(name), plumbing.NewHash(sha))
	if err := r.repo.Storer.SetReference(ref); err != nil {
		r.t.Fatal(err)
	}
}

// RemoteBranch points remote's branch (refs/remotes/REMOTE/NAME) at commit sha, as a
// fetch would.
func (r *Repo) RemoteBranch(remote, name, sha string) {
	r.t.Helper()
	ref := plumbing.NewHashReference(plumbing.NewRemoteReferenceName(remote, name), plumbing.NewHash(sha))
	if err := r.repo.Storer.SetReference(ref); err != nil {
		r.t.Fatal(err)
	}
}

// LinkedWorktree lays out a linked worktree of r at dir whose HEAD is head (a SHA, or
// "ref: refs/heads/NAME"), as `git worktree add` does; the files of the working tree
// are not checked out (nothing that reads HEAD needs them).
func (r *Repo) LinkedWorktree(dir, name, head string) {
	r.t.Helper()
	admin := filepath.Join(r.Dir, ".git", "worktrees", name)
	for p, content := range map[string]string{
		filepath.Join(admin, "HEAD"):      head + "\n",
		filepath.Join(admin, "commondir"): "../..\n",
		filepath.Join(admin, "gitdir"):    filepath.Join(dir, ".git") + "\n",
		filepath.Join(dir, ".git"):        "gitdir: " + admin + "\n",
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}
