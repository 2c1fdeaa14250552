// Package atomicwrite is how floe writes files and directories: all or nothing, never
// through a symlink. Everything is written under a temporary name floe creates itself
// (O_EXCL, O_NOFOLLOW) beside the target and renamed into place at the end; a rename
// replaces a symlink at the target rather than following it. Temporary paths are kept
// in a registry until committed or aborted, so a process ended by a signal removes them
// (RemoveStaged). Errors name the target the user gave, never a temporary path.
package atomicwrite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// registry holds the temporary paths not yet committed or aborted.
var registry struct {
	sync.Mutex
	paths map[string]bool
}

func track(p string) {
	registry.Lock()
	defer registry.Unlock()
	if registry.paths == nil {
		registry.paths = map[string]bool{}
	}
	registry.paths[p] = true
}

func untrack(p string) {
	registry.Lock()
	defer registry.Unlock()
	delete(registry.paths, p)
}

// RemoveStaged removes every temporary file and directory not yet committed or aborted.
// main calls it when a signal ends the process before the work returned.
func RemoveStaged() {
	registry.Lock()
	defer registry.Unlock()
	for p := range registry.paths {
		os.RemoveAll(p)
		delete(registry.paths, p)
	}
}

// Staged lists the temporary paths not yet committed or aborted (for tests).
func Staged() []string {
	registry.Lock()
	defer registry.Unlock()
	var out []string
	for p := range registry.paths {
		out = append(out, p)
	}
	return out
}

// failure is an error about target (the user's path), whatever temporary path failed.
func failure(target string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Errorf("%s: %w", target, err)
}

// File is a file written under a temporary name beside its target, not yet in place.
type File struct {
	target, tmp string
}

// StageFile writes data to a new temporary file beside name (mode perm); Commit puts it
// in place, Abort removes it.
func StageFile(name string, data []byte, perm fs.FileMode) (*File, error) {
	name = filepath.Clean(name)
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".floe-*")
	if err != nil {
		return nil, failure(name, err)
	}
	s := &File{target: name, tmp: f.Name()}
	track(s.tmp)
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(s.tmp, perm)
	}
	if err != nil {
		s.Abort()
		return nil, failure(name, err)
	}
	return s, nil
}

// Commit renames the file into place (a symlink at the target is replaced, not followed).
func (s *File) Commit() error {
	if s.tmp == "" {
		return fmt.Errorf("%s: already committed or aborted", s.target)
	}
	if err := os.Rename(s.tmp, s.target); err != nil {
		s.Abort()
		return failure(s.target, err)
	}
	untrack(s.tmp)
	s.tmp = ""
	return nil
}

// Abort removes the temporary file; after Commit it does nothing.
func (s *File) Abort() {
	if s.tmp != "" {
		os.Remove(s.tmp)
		untrack(s.tmp)
		s.tmp = ""
	}
}

// WriteFile writes data to name all or nothing (mode perm), never through a symlink.
func WriteFile(name string, data []byte, perm fs.FileMode) error {
	s, err := StageFile(name, data, perm)
	if err != nil {
		return err
	}
	return s.Commit()
}

// Dir is a directory tree built under a temporary name beside its target.
type Dir struct {
	target, tmp string
}

// StageDir creates a new, empty staging directory beside target (its parent is created
// when missing). Write fills it; Commit replaces target with it; Abort removes it.
func StageDir(target string) (*Dir, error) {
	target = filepath.Clean(target)
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, failure(target, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".floe-new-")
	if err != nil {
		return nil, failure(target, err)
	}
	d := &Dir{target: target, tmp: tmp}
	track(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		d.Abort()
		return nil, failure(target, err)
	}
	return d, nil
}

// Write creates the file rel (slash-separated, inside the directory) with data, mode
// 0644, making its parent directories. The file must not exist yet, and no symlink is
// followed: every path under the staging directory is floe's own.
func (d *Dir) Write(rel string, data []byte) error {
	user := filepath.Join(d.target, filepath.FromSlash(rel))
	c := filepath.Clean(filepath.FromSlash(rel))
	if c == "." || filepath.IsAbs(c) || c == ".." || strings.HasPrefix(c, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s: not a path inside %s", user, d.target)
	}
	p := filepath.Join(d.tmp, c)
	if err := mkdirs(d.tmp, filepath.Dir(c)); err != nil {
		return failure(user, err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o644)
	if err != nil {
		return failure(user, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return failure(user, err)
	}
	return nil
}

// mkdirs makes the directories of rel under base one at a time, refusing anything
// under base that is not a directory (a symlink included).
func mkdirs(base, rel string) error {
	if rel == "." {
		return nil
	}
	p := base
	for part := range strings.SplitSeq(rel, string(filepath.Separator)) {
		p = filepath.Join(p, part)
		err := os.Mkdir(p, 0o755)
		if err == nil {
			continue
		}
		if !errors.Is(err, fs.ErrExist) {
			return err
		}
		st, lerr := os.Lstat(p)
		if lerr != nil {
			return lerr
		}
		if !st.IsDir() {
			return fmt.Errorf("%w: %s is not a directory", fs.ErrExist, part)
		}
	}
	return nil
}

// Commit replaces target with the staged directory: an existing target is moved aside
// first and removed after (put back when the rename fails). A target that exists and is
// not a directory (a symlink included) is refused.
func (d *Dir) Commit() error {
	if d.tmp == "" {
		return fmt.Errorf("%s: already committed or aborted", d.target)
	}
	st, err := os.Lstat(d.target)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(d.tmp, d.target); err != nil {
			d.Abort()
			return failure(d.target, err)
		}
		d.done()
		return nil
	}
	if err != nil {
		d.Abort()
		return failure(d.target, err)
	}
	if !st.IsDir() {
		d.Abort()
		return fmt.Errorf("%s: exists and is not a directory", d.target)
	}
	old, err := os.MkdirTemp(filepath.Dir(d.target), "."+filepath.Base(d.target)+".floe-old-")
	if err != nil {
		d.Abort()
		return failure(d.target, err)
	}
	// old is not in the registry: a process ended between the two renames keeps the
	// previous files there rather than losing them.
	os.Remove(old) // only the unique name is wanted
	if err := os.Rename(d.target, old); err != nil {
		d.Abort()
		return failure(d.target, err)
	}
	if err := os.Rename(d.tmp, d.target); err != nil {
		d.Abort()
		if rerr := os.Rename(old, d.target); rerr != nil {
			return fmt.Errorf("%s: %w (and restoring it: %v; the previous files are in %s)", d.target, err, rerr, old)
		}
		return failure(d.target, err)
	}
	d.done()
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("%s: written, but removing the previous files: %w", d.target, err)
	}
	return nil
}

func (d *Dir) done() {
	untrack(d.tmp)
	d.tmp = ""
}

// Abort removes the staging directory; after Commit it does nothing.
func (d *Dir) Abort() {
	if d.tmp != "" {
		os.RemoveAll(d.tmp)
		d.done()
	}
}
