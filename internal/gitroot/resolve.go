package gitroot

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/floe-dev/floe/config"
)

// resolve walks rel from the root, following symlinks; a symlink that is absolute or
// whose target climbs above the root is refused, as is a path through .git.
func (r *Root) resolve(rel string) (entry, string, error) {
	c, err := config.CleanRel(rel)
	if err != nil {
		return entry{}, "", err
	}
	if err := r.ctx.Err(); err != nil {
		return entry{}, c, err
	}
	rootEntry := entry{name: ".", mode: filemode.Dir, oid: r.tree}
	var stack []entry // resolved directories below the root
	var todo []string
	if c != "." {
		todo = strings.Split(c, "/")
	}
	hops := 0
	cur := rootEntry
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				return entry{}, c, fmt.Errorf("%s: a symlink leads outside the root: %w", r.at(c), config.ErrOutsideRoot)
			}
			stack = stack[:len(stack)-1]
			cur = rootEntry
			if len(stack) > 0 {
				cur = stack[len(stack)-1]
			}
			continue
		}
		if !cur.isDir() {
			return entry{}, c, fmt.Errorf("%s: not a directory", r.at(c))
		}
		e, ok, err := r.lookup(cur.oid, name, c)
		if err != nil {
			return entry{}, c, err
		}
		if !ok {
			return entry{}, c, fmt.Errorf("%s: %w", r.at(c), fs.ErrNotExist)
		}
		if e.isLink() {
			hops++
			if hops > maxSymlinks {
				return entry{}, c, fmt.Errorf("%s: too many levels of symbolic links", r.at(c))
			}
			size, err := r.objectSize(e.oid, c)
			if err != nil {
				return entry{}, c, err
			}
			if size > maxSymlinkTarget {
				return entry{}, c, fmt.Errorf("%s: symlink target too long", r.at(c))
			}
			target, err := r.blob(e.oid, c, maxSymlinkTarget)
			if err != nil {
				return entry{}, c, err
			}
			t := string(target)
			if t == "" || strings.HasPrefix(t, "/") || strings.ContainsRune(t, 0) {
				return entry{}, c, fmt.Errorf("%s: a symlink leads outside the root (to %q): %w", r.at(c), t, config.ErrOutsideRoot)
			}
			todo = append(strings.Split(t, "/"), todo...)
			continue
		}
		stack = append(stack, e)
		cur = e
	}
	return cur, c, nil
}
