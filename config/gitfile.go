package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// ErrNoGit matches (errors.Is) ReadGitFile's error for a root without a .git directory.
var ErrNoGit = errors.New("root is not a git checkout")

// ReadGitFile reads one of the few files of root's .git directory that name the commit
// HEAD is at, and nothing else of .git (no config, no objects, no hooks): name is HEAD,
// packed-refs or a refs/... path. No symlink is followed on the way, inside .git or to
// it. A .git that is a file (a worktree or submodule) is an error. Roots that are not
// over the OS (in memory, a git revision) read ".git/"+name themselves.
func ReadGitFile(root Root, name string) ([]byte, error) {
	if name != "HEAD" && name != "packed-refs" && !strings.HasPrefix(name, "refs/") {
		return nil, fmt.Errorf(".git/%s: not a file floe reads", name)
	}
	if c, err := CleanRel(name); err != nil || c != name || InGitDir(name) {
		return nil, fmt.Errorf(".git/%s: not a file floe reads", name)
	}
	r, ok := root.(*osRoot)
	if !ok {
		return root.ReadFile(".git/" + name)
	}
	st, err := r.root.Lstat(".git")
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, ErrNoGit
	case err != nil:
		return nil, fmt.Errorf(".git: %w", unwrapPath(err))
	case !st.IsDir():
		return nil, errors.New(".git is a file (worktree or submodule); floe reads only a .git directory inside root")
	}
	rel := ".git"
	for part := range strings.SplitSeq(name, "/") {
		rel = path.Join(rel, part)
		if st, err = r.root.Lstat(rel); err != nil {
			return nil, fmt.Errorf("%s: %w", rel, unwrapPath(err))
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%s: a symlink; floe follows none inside .git", rel)
		}
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", rel)
	}
	if st.Size() > r.max {
		return nil, fmt.Errorf("%s: file is %d bytes, larger than the %d MiB limit", rel, st.Size(), r.max>>20)
	}
	f, err := r.open(rel, rel, st)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, r.max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, unwrapPath(err))
	}
	if int64(len(data)) > r.max {
		return nil, fmt.Errorf("%s: file is larger than the %d MiB limit", rel, r.max>>20)
	}
	return data, nil
}
