// Package gitroot reads the files of one git commit as a config.Root, without checking
// anything out and without starting any process: the repository is read in Go, with
// go-git (github.com/go-git/go-git/v5).
//
// Open finds the repository that holds a directory (walking up to the nearest .git,
// following a linked worktree's .git file and commondir), resolves a revision with
// go-git's revision parser (SHA, branch, tag, HEAD~1, …) and reads trees and blobs
// from the object store: loose objects (read here with go-git's objfile reader, never
// past the size their header declares) and packfiles, deltas included (go-git's
// storage/filesystem and plumbing/format/packfile). These paths only open and read
// files under the git directory (and the object directories objects/info/alternates
// names); of the repository's configuration only the format version and the
// extensions are used.
//
// No process, by construction: go-git's only use of os/exec is its file transport,
// reached only through Remote, Clone, Fetch, Pull, Push and Submodule.Update, none of
// which gitroot calls; the packages it reads objects with import neither os/exec nor
// net. So no remote is contacted, no partial clone fetches lazily, and no hook,
// fsmonitor, pager or credential helper can run. Nothing in the working tree, the
// index or the refs is written.
//
// A repository go-git cannot read is refused with a message naming what it uses: a
// reftable ref store, SHA-256 object names, a partial clone, another repository
// extension, or a format version above 1.
//
// Work is bounded: a blob's size is read from its object header (a delta's from the
// delta header) before the blob is read (MaxFileSize), a directory's tree object is
// capped in size and entries, symlinks are followed at most config.MaxSymlinks times per
// path and must stay inside the root, and the context is checked between object
// reads and ends a long revision resolution (HEAD~n walks history).
package gitroot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"github.com/floe-dev/floe/config"
)

// MaxFileSize is the largest file ReadFile returns, as for the OS root.
const MaxFileSize = config.MaxFileSize

// maxSymlinkTarget is the longest symlink target followed (PATH_MAX).
const maxSymlinkTarget = 4096

// Root is a config.Root over the tree of one commit, confined to the directory the
// root was opened at (its path inside the repository is Prefix). Safe for concurrent use.
type Root struct {
	rev    string // as the user gave it, for messages
	commit string
	prefix string        // root's directory inside the repository: "" or "a/b"
	tree   plumbing.Hash // tree object of the root directory at commit
	ctx    context.Context

	mu    sync.Mutex // serialises every use of store, which is not safe for concurrent use
	store *filesystem.Storage
	dot   *dotgit.DotGit            // the same git directory, for loose objects
	trees map[plumbing.Hash][]entry // tree object → entries, sorted by name
	max   int64
}

var _ config.Root = (*Root)(nil)

type entry struct {
	name string
	mode filemode.FileMode
	oid  plumbing.Hash
}

func (e entry) isDir() bool     { return e.mode == filemode.Dir }
func (e entry) isLink() bool    { return e.mode == filemode.Symlink }
func (e entry) isGitlink() bool { return e.mode == filemode.Submodule }

// Open resolves rev (a commit-ish: SHA, branch, tag, HEAD~1, …) in the repository that
// holds dir and returns a Root over dir's directory as it is in that commit. dir
// must be inside a git working tree (a linked worktree too). ctx bounds every read
// the Root makes; Close releases the repository's files.
func Open(ctx context.Context, dir, rev string) (*Root, error) {
	if rev == "" || strings.HasPrefix(rev, "-") || strings.ContainsAny(rev, "\x00\n\r") {
		return nil, fmt.Errorf("git revision %q: not a revision", rev)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	repo, store, top, err := openRepository(dir)
	if err != nil {
		return nil, err
	}
	r := &Root{rev: rev, ctx: ctx, store: store, dot: dotgit.New(store.Filesystem()), trees: map[plumbing.Hash][]entry{}, max: MaxFileSize}
	if r.prefix, err = prefixOf(dir, top); err != nil {
		store.Close()
		return nil, err
	}
	commit, err := resolveCommitContext(ctx, repo, rev, dir)
	if err != nil {
		if !errors.Is(err, ctx.Err()) { // else the resolution still runs and uses store
			store.Close()
		}
		return nil, err
	}
	r.commit, r.tree = commit.Hash.String(), commit.TreeHash
	if r.prefix != "" {
		// The root directory itself as it was at rev: every component a real directory.
		for _, c := range strings.Split(r.prefix, "/") {
			e, ok, err := r.lookup(r.tree, c, r.prefix)
			if err != nil {
				store.Close()
				return nil, err
			}
			if !ok || !e.isDir() {
				store.Close()
				return nil, fmt.Errorf("%s at %s: the root directory %s does not exist (or is not a directory) in that commit: %w",
					dir, rev, r.prefix, fs.ErrNotExist)
			}
			r.tree = e.oid
		}
	}
	return r, nil
}

// Commit is the full object name of the commit the root reads.
func (r *Root) Commit() string { return r.commit }

// Prefix is the root's directory inside the repository ("" at the top level).
func (r *Root) Prefix() string { return r.prefix }

// Dir is "": a git revision is not a directory on disk.
func (r *Root) Dir() string { return "" }

// Close releases the packfiles the root holds open. A read after Close opens them again.
func (r *Root) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.store.Close()
}

// ReadFile returns the bytes of a root-relative file at the commit, following symlinks
// that stay inside the root.
func (r *Root) ReadFile(rel string) ([]byte, error) {
	e, c, err := r.resolve(rel)
	if err != nil {
		return nil, err
	}
	switch {
	case e.isDir():
		return nil, fmt.Errorf("%s: is a directory", r.at(c))
	case e.isGitlink():
		return nil, fmt.Errorf("%s: is a submodule, which a git revision root does not read into", r.at(c))
	}
	return r.blob(e.oid, c, r.max)
}

// Stat reports whether rel exists at the commit and is a directory.
func (r *Root) Stat(rel string) (bool, error) {
	e, _, err := r.resolve(rel)
	if err != nil {
		return false, err
	}
	return e.isDir(), nil
}

// ReadDir lists the entry names of a root-relative directory at the commit, sorted.
func (r *Root) ReadDir(rel string) ([]string, error) {
	e, c, err := r.resolve(rel)
	if err != nil {
		return nil, err
	}
	if !e.isDir() {
		return nil, fmt.Errorf("%s: not a directory", r.at(c))
	}
	ents, err := r.list(e.oid, c)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ents))
	for _, x := range ents {
		if !config.InGitDir(x.name) {
			names = append(names, x.name)
		}
	}
	sort.Strings(names)
	return names, nil
}

func (r *Root) at(rel string) string { return rel + " at " + r.rev }

// prefixOf is dir's path below the working tree's top level top, symlinks resolved in
// both, "" at the top level. A directory inside the git directory has no prefix.
func prefixOf(dir, top string) (string, error) {
	realDir, err := realPath(dir)
	if err != nil {
		return "", fmt.Errorf("%s: %w", dir, err)
	}
	realTop, err := realPath(top)
	if err != nil {
		return "", fmt.Errorf("%s: the working tree of %s: %w", top, dir, err)
	}
	rel, err := filepath.Rel(realTop, realDir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s: not inside a git working tree", dir)
	}
	if rel == "." {
		return "", nil
	}
	rel = filepath.ToSlash(rel)
	if config.InGitDir(rel) {
		return "", fmt.Errorf("%s: not inside a git working tree (it is inside the git directory)", dir)
	}
	return rel, nil
}

func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

var errGitDir = errors.New("a path through .git is not read")
