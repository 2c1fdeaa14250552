package cmpserver

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/floe-dev/floe/config"
)

// memRoot is a config.Root over a repository tarball unpacked in memory. It answers as
// config.OSRoot answers over the same tree: .git is never read (nor listed), files
// larger than config.MaxFileSize are refused, and a link or special file is refused when
// read (it is never followed).
type memRoot struct {
	nodes map[string]*node // root-relative clean path → entry; "." is the root
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
	data  []byte
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
	return n.data, nil // callers do not modify what a Root returns
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
