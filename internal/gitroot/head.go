package gitroot

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/floe-dev/floe/config"
)

// Head returns the commit HEAD names in the git working tree whose top level is dir
// (D-RND-12): dir's own .git, a directory or a .git file naming the git directory of
// a linked worktree or a submodule. It reads HEAD and the refs with go-git, no process:
// a symbolic HEAD is followed through loose and packed refs, worktree HEADs and the
// common directory included. A dir without .git is config.ErrNoGit; an enclosing
// repository above dir is not looked for, and a .git that is a symlink is refused.
func Head(dir string) (string, error) {
	st, err := os.Lstat(filepath.Join(dir, ".git"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", config.ErrNoGit
	case err != nil:
		return "", fmt.Errorf(".git: %w", err)
	case st.Mode()&fs.ModeSymlink != 0:
		return "", errors.New(".git: a symlink; floe follows none to a git directory")
	}
	repo, store, _, err := openRepository(dir)
	if err != nil {
		return "", err
	}
	defer store.Close()
	head, err := repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return "", fmt.Errorf("reading HEAD: %w", err)
	}
	if head.Type() == plumbing.SymbolicReference {
		target := head.Target()
		if !target.IsBranch() && !target.IsTag() && !target.IsRemote() && !target.IsNote() {
			return "", fmt.Errorf("HEAD names an unexpected ref %q", target)
		}
	}
	ref, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", fmt.Errorf("HEAD names %s, which has no commit (an unborn branch?)", head.Target())
	}
	if err != nil {
		return "", fmt.Errorf("resolving HEAD: %w", err)
	}
	// go-git reads a HEAD or ref that is not 40 hex digits as some hash: only one the
	// object store holds is a commit floe tags an image with.
	if err := store.HasEncodedObject(ref.Hash()); err != nil {
		return "", fmt.Errorf("HEAD names %s, which is not an object of the repository", ref.Hash())
	}
	return ref.Hash().String(), nil
}
