package cmpserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/floe-dev/floe/config"
)

// memRoot is a config.Root over a repository tarball held in memory. It answers as
// config.OSRoot answers over the same tree: .git is never read (nor listed), files
// larger than config.MaxFileSize are refused, and a link or special file is refused when
// read (it is never followed).
//
// Its index (every entry's kind and size, every directory listing) is complete, so Stat
// and ReadDir never need more; only the bytes of the files kept while the tarball
// streamed in are in memory (D-ARGO-08). The first ReadFile of any other file unpacks
// the rest of the tarball once, from its compressed bytes, under the same limits and
// checks (fill).
type memRoot struct {
	nodes map[string]*node // root-relative clean path → entry; "." is the root
	count counts           // written while unpacking, read-only after

	mu      sync.Mutex
	packed  [][]byte // the compressed tarball while some file is not held; nil once filled or released
	lim     Limits
	ctx     context.Context // the request's: fill stops when it ends
	filled  bool
	fillErr error
}

// counts are what a tarball held and what of it was kept while it streamed in.
type counts struct {
	files, bytes         int64 // regular files and their sizes
	keptFiles, keptBytes int64 // of those, held in memory from the start
	unkept               int64 // regular files (not oversize) whose bytes only fill gives
}

type nodeKind int

const (
	kindDir nodeKind = iota
	kindFile
	kindOversize // a regular file larger than config.MaxFileSize, contents dropped
	kindLink     // a symlink or hard link (inside the tree; never followed)
	kindSpecial  // a device, FIFO or other non-regular entry
)

type node struct {
	kind  nodeKind
	held  bool   // kindFile: data was kept while the tarball streamed in (never changes after)
	data  []byte // kindFile: the bytes if held, else set by fill under memRoot.mu
	size  int64
	names []string // a directory's children, sorted once unpacking ends
}

func newMemRoot() *memRoot {
	return &memRoot{nodes: map[string]*node{".": {kind: kindDir}}}
}

// Dir implements config.Root: a virtual root has no directory.
func (r *memRoot) Dir() string { return "" }

func (r *memRoot) lookup(rel string) (string, *node, error) {
	c, err := config.CleanRel(rel)
	if err != nil {
		return "", nil, err
	}
	if config.InGitDir(c) {
		return "", nil, fmt.Errorf("%s: inside .git, which floe never reads: %w", c, config.ErrOutsideRoot)
	}
	// A path through a link or file is refused as the OS refuses it.
	for dir := path.Dir(c); dir != "."; dir = path.Dir(dir) {
		if n := r.nodes[dir]; n != nil && n.kind != kindDir {
			if n.kind == kindLink {
				return "", nil, fmt.Errorf("%s: goes through the link %s; floe cmp-server does not follow links", c, dir)
			}
			return "", nil, fmt.Errorf("%s: %w", c, syscall.ENOTDIR)
		}
	}
	n := r.nodes[c]
	if n == nil {
		return "", nil, fmt.Errorf("%s: %w", c, syscall.ENOENT)
	}
	if n.kind == kindLink {
		return "", nil, fmt.Errorf("%s: is a link; floe cmp-server does not follow links", c)
	}
	return c, n, nil
}

// ReadFile implements config.Root.
func (r *memRoot) ReadFile(rel string) ([]byte, error) {
	c, n, err := r.lookup(rel)
	if err != nil {
		return nil, err
	}
	switch n.kind {
	case kindDir:
		return nil, fmt.Errorf("%s: is a directory", c)
	case kindSpecial:
		return nil, fmt.Errorf("%s: not a regular file", c)
	case kindOversize:
		return nil, fmt.Errorf("%s: file is %d bytes, larger than the %d MiB limit", c, n.size, config.MaxFileSize>>20)
	}
	if !n.held {
		if err := r.fill(); err != nil {
			return nil, fmt.Errorf("%s: %w", c, err)
		}
	}
	return n.data, nil // callers do not modify what a Root returns
}

// inMemory reports whether ReadFile(rel) answers without fill: anything but a regular
// file that was not held.
func (r *memRoot) inMemory(rel string) bool {
	_, n, err := r.lookup(rel)
	return err != nil || n.kind != kindFile || n.held
}

// fill unpacks the bytes of every file not held, once, from the compressed tarball: the
// same untgz under the same limits, whose result must index exactly as the first pass
// did. The compressed bytes are dropped after it. Safe for concurrent use: a reader of
// data not held calls fill first, and fill's mutex orders the writes before the reads.
func (r *memRoot) fill() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.filled {
		return r.fillErr
	}
	r.filled = true
	r.fillErr = r.unpackRest()
	r.packed = nil
	return r.fillErr
}

func (r *memRoot) unpackRest() error {
	if r.packed == nil {
		return fmt.Errorf("%w: its compressed bytes are gone (the request has ended)", ErrTarball)
	}
	in := make([]io.Reader, len(r.packed))
	for i, c := range r.packed {
		in[i] = bytes.NewReader(c)
	}
	full, err := untgz(ctxReader{r.ctx, io.MultiReader(in...)}, r.lim, func(c string) bool {
		n := r.nodes[c]
		return n == nil || !n.held
	})
	if err != nil {
		return fmt.Errorf("unpacking the rest of the tarball: %w", err)
	}
	if len(full.nodes) != len(r.nodes) {
		return fmt.Errorf("%w: %d entries on the second pass, %d on the first", ErrTarball, len(full.nodes), len(r.nodes))
	}
	for c, f := range full.nodes {
		n := r.nodes[c]
		if n == nil || n.kind != f.kind || n.size != f.size || !slices.Equal(n.names, f.names) {
			return fmt.Errorf("%w: %s differs on the second pass", ErrTarball, c)
		}
	}
	for c, f := range full.nodes {
		if n := r.nodes[c]; n.kind == kindFile && !n.held {
			n.data = f.data
		}
	}
	return nil
}

// ctxReader fails once its context has ended.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx != nil {
		if err := c.ctx.Err(); err != nil {
			return 0, err
		}
	}
	return c.r.Read(p)
}

// release drops the compressed tarball when the request ends and reports whether fill
// ran. A ReadFile that would need it afterwards fails.
func (r *memRoot) release() (filled bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.packed = nil
	return r.filled
}

// Stat implements config.Root.
func (r *memRoot) Stat(rel string) (bool, error) {
	_, n, err := r.lookup(rel)
	if err != nil {
		return false, err
	}
	return n.kind == kindDir, nil
}

// ReadDir implements config.Root.
func (r *memRoot) ReadDir(rel string) ([]string, error) {
	c, n, err := r.lookup(rel)
	if err != nil {
		return nil, err
	}
	if n.kind != kindDir {
		return nil, fmt.Errorf("%s: not a directory", c)
	}
	return slices.Clone(n.names), nil
}

// add records an entry at the clean path c, creating its parent directories. A parent
// that is not a directory, or an entry replacing a directory by a file, is an error.
func (r *memRoot) add(c string, n *node) error {
	if old := r.nodes[c]; old != nil {
		if old.kind == kindDir && n.kind == kindDir {
			return nil
		}
		if old.kind == kindDir || n.kind == kindDir {
			return fmt.Errorf("%s: appears both as a directory and as a file", c)
		}
		r.nodes[c] = n // a later entry replaces an earlier one, as tar extraction does
		return nil
	}
	parent := path.Dir(c)
	if err := r.add(parent, &node{kind: kindDir}); err != nil {
		return err
	}
	p := r.nodes[parent]
	p.names = append(p.names, path.Base(c))
	r.nodes[c] = n
	return nil
}

// seal sorts every directory listing.
func (r *memRoot) seal() {
	for _, n := range r.nodes {
		if n.kind == kindDir {
			slices.Sort(n.names)
		}
	}
}

var _ config.Root = (*memRoot)(nil)

// trimSlash drops the trailing slash tar puts on directory names.
func trimSlash(s string) string { return strings.TrimRight(s, "/") }
