package gitroot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// openRepository opens, for reading, the repository whose working tree holds dir and
// returns it with its object and ref storage and the working tree's top level.
func openRepository(dir string) (*git.Repository, *filesystem.Storage, string, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, nil, "", openError(dir, err)
	}
	store, ok := repo.Storer.(*filesystem.Storage)
	if !ok { // PlainOpen always builds a filesystem storage
		return nil, nil, "", fmt.Errorf("%s: unexpected git storage %T", dir, repo.Storer)
	}
	// go-git checks the extensions but not the format version itself.
	cfg, err := repo.Config()
	if err != nil {
		store.Close()
		return nil, nil, "", fmt.Errorf("%s: reading the git configuration: %w", dir, err)
	}
	switch v := cfg.Raw.Section("core").Option("repositoryformatversion"); v {
	case "", "0", "1":
	default:
		store.Close()
		return nil, nil, "", fmt.Errorf("%s: the git repository has format version %q, which floe's built-in git reader cannot read", dir, v)
	}
	wt, err := repo.Worktree()
	if err != nil {
		store.Close()
		return nil, nil, "", fmt.Errorf("%s: not inside a git working tree: %w", dir, err)
	}
	return repo, store, wt.Filesystem.Root(), nil
}

// openError explains why the repository of dir could not be opened.
func openError(dir string, err error) error {
	switch {
	case errors.Is(err, git.ErrRepositoryNotExists):
		return fmt.Errorf("%s: not inside a git working tree", dir)
	case errors.Is(err, git.ErrUnknownExtension), errors.Is(err, git.ErrUnsupportedExtensionRepositoryFormatVersion),
		errors.Is(err, git.ErrUnsupportedRepositoryFormatVersion):
		msg := err.Error()
		var what []string
		for _, hint := range [][2]string{
			{"refstorage", "a reftable ref store"},
			{"objectformat", "SHA-256 object names"},
			{"partialclone", "a partial clone (objects fetched on demand)"},
		} {
			if strings.Contains(strings.ToLower(msg), hint[0]) {
				what = append(what, hint[1])
			}
		}
		if len(what) == 0 {
			what = append(what, "a repository extension")
		}
		return fmt.Errorf("%s: the git repository uses %s, which floe's built-in git reader cannot read (%w)",
			dir, strings.Join(what, " and "), err)
	}
	return fmt.Errorf("%s: opening the git repository: %w", dir, err)
}

// resolveCommitContext is resolveCommit returning when ctx ends: go-git's resolution
// takes no context, and HEAD~n or HEAD^{/text} walk history.
func resolveCommitContext(ctx context.Context, repo *git.Repository, rev, dir string) (*object.Commit, error) {
	type result struct {
		commit *object.Commit
		err    error
	}
	done := make(chan result, 1)
	go func() {
		c, err := resolveCommit(repo, rev, dir)
		done <- result{c, err}
	}()
	select {
	case res := <-done:
		return res.commit, res.err
	case <-ctx.Done():
		return nil, fmt.Errorf("git revision %q: %w", rev, ctx.Err())
	}
}

// resolveCommit finds the commit rev names: tags are peeled, HEAD~n and the like walk
// the history.
func resolveCommit(repo *git.Repository, rev, dir string) (*object.Commit, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil || h == nil || h.IsZero() {
		return nil, fmt.Errorf("git revision %q: not a commit in the repository of %s", rev, dir)
	}
	commit, err := repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("git revision %q: commit %s: %w", rev, h, err)
	}
	return commit, nil
}
