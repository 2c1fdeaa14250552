package gitroot

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/floe-dev/floe/config"
)

// resolve walks rel from the root with config.WalkLinks, the walk the OS root uses
// too, following symlinks stored in the commit's trees; a symlink that is absolute or
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
	e, err := config.WalkLinks(c, r.at(c), rootEntry, func(dir entry, name string) (entry, string, bool, error) {
		if !dir.isDir() {
			return entry{}, "", false, fmt.Errorf("%s: not a directory", r.at(c))
		}
		e, ok, err := r.lookup(dir.oid, name, c)
		if err != nil {
			return entry{}, "", false, err
		}
		if !ok {
			return entry{}, "", false, fmt.Errorf("%s: %w", r.at(c), fs.ErrNotExist)
		}
		if !e.isLink() {
			return e, "", false, nil
		}
		size, err := r.objectSize(e.oid, c)
		if err != nil {
			return entry{}, "", false, err
		}
		if size > maxSymlinkTarget {
			return entry{}, "", false, fmt.Errorf("%s: symlink target too long", r.at(c))
		}
		target, err := r.blob(e.oid, c, maxSymlinkTarget)
		if err != nil {
			return entry{}, "", false, err
		}
		t := string(target)
		if t == "" || strings.HasPrefix(t, "/") || strings.ContainsRune(t, 0) {
			return entry{}, "", false, fmt.Errorf("%s: a symlink resolves outside the root (to %q): %w", r.at(c), t, config.ErrOutsideRoot)
		}
		return e, t, true, nil
	})
	return e, c, err
}
