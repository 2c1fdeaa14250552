package gitroot

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/floe-dev/floe/config"
)

// maxTreeSize bounds the size of one tree object read (a directory listing); about
// 300 000 entries of ordinary names.
const maxTreeSize = 16 << 20

// maxTreeEntries bounds the entries of one directory.
const maxTreeEntries = 1 << 17

// lookup finds name in the tree object oid; rel names the path for messages.
func (r *Root) lookup(oid plumbing.Hash, name, rel string) (entry, bool, error) {
	if config.InGitDir(name) {
		return entry{}, false, fmt.Errorf("%s: %w", r.at(rel), errGitDir)
	}
	ents, err := r.list(oid, rel)
	if err != nil {
		return entry{}, false, err
	}
	i := sort.Search(len(ents), func(i int) bool { return ents[i].name >= name })
	if i < len(ents) && ents[i].name == name {
		return ents[i], true, nil
	}
	return entry{}, false, nil
}

// list returns the entries of a tree object, sorted by name (cached: each tree is
// decoded once).
func (r *Root) list(oid plumbing.Hash, rel string) ([]entry, error) {
	if err := r.ctx.Err(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if ents, ok := r.trees[oid]; ok {
		return ents, nil
	}
	size, err := r.sizeLocked(oid)
	if err != nil {
		return nil, r.objectError("listing", rel, oid, err)
	}
	if size > maxTreeSize {
		return nil, fmt.Errorf("listing %s: the directory object is %d bytes, larger than the %d MiB limit", r.at(rel), size, maxTreeSize>>20)
	}
	data, err := r.readLocked(oid, plumbing.TreeObject, maxTreeSize)
	if err != nil {
		return nil, r.objectError("listing", rel, oid, err)
	}
	o := &plumbing.MemoryObject{}
	o.SetType(plumbing.TreeObject)
	o.Write(data)
	tree, err := object.DecodeTree(r.store, o)
	if err != nil {
		return nil, r.objectError("listing", rel, oid, err)
	}
	if len(tree.Entries) > maxTreeEntries {
		return nil, fmt.Errorf("listing %s: %d entries, more than the %d a directory may hold", r.at(rel), len(tree.Entries), maxTreeEntries)
	}
	ents := make([]entry, len(tree.Entries))
	for i, x := range tree.Entries {
		ents[i] = entry{name: x.Name, mode: x.Mode, oid: x.Hash}
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].name < ents[j].name })
	r.trees[oid] = ents
	return ents, nil
}

// blob reads one blob of at most max bytes; the size is read from the object header
// first, so a larger blob is refused unread.
func (r *Root) blob(oid plumbing.Hash, rel string, max int64) ([]byte, error) {
	if err := r.ctx.Err(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	size, err := r.sizeLocked(oid)
	if err != nil {
		return nil, r.objectError("reading", rel, oid, err)
	}
	if size > max {
		return nil, fmt.Errorf("%s: file is %d bytes, larger than the %d MiB limit", r.at(rel), size, max>>20)
	}
	data, err := r.readLocked(oid, plumbing.BlobObject, max)
	if err != nil {
		return nil, r.objectError("reading", rel, oid, err)
	}
	return data, nil
}

// objectSize reads the size of an object from its header.
func (r *Root) objectSize(oid plumbing.Hash, rel string) (int64, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	size, err := r.sizeLocked(oid)
	if err != nil {
		return 0, r.objectError("reading", rel, oid, err)
	}
	return size, nil
}

// sizeLocked is the size an object's header declares: a loose object's, else the
// packfile entry's (for a delta, the size of the object it makes). r.mu is held.
func (r *Root) sizeLocked(oid plumbing.Hash) (int64, error) {
	f, err := r.dot.Object(oid)
	if err == nil {
		defer f.Close()
		zr, err := objfile.NewReader(f)
		if err != nil {
			return 0, err
		}
		defer zr.Close()
		_, size, err := zr.Header()
		return size, err
	}
	if !os.IsNotExist(err) {
		return 0, err
	}
	return r.store.EncodedObjectSize(oid)
}

var errCorrupt = errors.New("the object's content does not match the size its header declares")

// readLocked reads an object of type typ whose header declares at most max bytes.
// A loose object is read here, never past its declared size (go-git's own loose
// reader copies the whole stream); a packed one through go-git's packfile reader,
// which checks the same. r.mu is held.
func (r *Root) readLocked(oid plumbing.Hash, typ plumbing.ObjectType, max int64) ([]byte, error) {
	f, err := r.dot.Object(oid)
	if err == nil {
		defer f.Close()
		zr, err := objfile.NewReader(f)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		t, size, err := zr.Header()
		if err != nil {
			return nil, err
		}
		if t != typ {
			return nil, fmt.Errorf("a %s, not a %s: %w", t, typ, plumbing.ErrObjectNotFound)
		}
		if size > max {
			return nil, fmt.Errorf("%d bytes, larger than the %d byte limit", size, max)
		}
		data, err := io.ReadAll(io.LimitReader(zr, size+1))
		if err != nil {
			return nil, err
		}
		if int64(len(data)) != size {
			return nil, errCorrupt
		}
		return data, nil
	}
	if !os.IsNotExist(err) {
		return nil, err
	}
	o, err := r.store.EncodedObject(typ, oid)
	if err != nil {
		return nil, err
	}
	if o.Size() > max {
		return nil, fmt.Errorf("%d bytes, larger than the %d byte limit", o.Size(), max)
	}
	rd, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	data, err := io.ReadAll(io.LimitReader(rd, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) != o.Size() {
		return nil, errCorrupt
	}
	return data, nil
}

func (r *Root) objectError(doing, rel string, oid plumbing.Hash, err error) error {
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return fmt.Errorf("%s %s: object %s is missing from the repository (or is not of the expected type)", doing, r.at(rel), oid)
	}
	return fmt.Errorf("%s %s: object %s: %w", doing, r.at(rel), oid, err)
}
