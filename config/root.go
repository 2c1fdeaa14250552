package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ErrOutsideRoot matches (errors.Is) every error about a path that leaves the root.
var ErrOutsideRoot = errors.New("outside the root")

// outside is an error about a path leaving the root; its message reads on its own.
type outside string

func (e outside) Error() string        { return string(e) }
func (e outside) Is(target error) bool { return target == ErrOutsideRoot }

func outsidef(format string, args ...any) error { return outside(fmt.Sprintf(format, args...)) }

// CleanRel checks a root-relative, slash-separated path and returns it cleaned. An empty
// path, an absolute path or one whose ".." climbs out of the root is an error.
func CleanRel(rel string) (string, error) {
	if rel == "" {
		return "", errors.New("empty path")
	}
	if strings.HasPrefix(rel, "/") || filepath.IsAbs(rel) || filepath.VolumeName(rel) != "" {
		return "", outsidef("path %q is absolute; paths must be relative to the root", rel)
	}
	if strings.ContainsRune(rel, 0) {
		return "", fmt.Errorf("path %q contains a NUL byte", rel)
	}
	c := path.Clean(rel)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", outsidef("path %q climbs out of the root with \"..\"", rel)
	}
	return c, nil
}

// JoinRel resolves ref relative to the root-relative directory dir (e.g. a floe.yaml's
// platform.manifest relative to the floe.yaml directory) and checks it stays inside root.
func JoinRel(dir, ref string) (string, error) {
	if strings.HasPrefix(ref, "/") || filepath.IsAbs(ref) {
		return "", outsidef("path %q is absolute; paths must be relative", ref)
	}
	if ref == "" {
		return "", errors.New("empty path")
	}
	return CleanRel(path.Join(dir, ref))
}

type osRoot struct {
	dir  string   // absolute, symlinks resolved
	root *os.Root // every read goes through it: nothing outside dir can be opened
	max  int64
}

// OSRoot is a Root over the directory tree at dir. Reads are confined by an os.Root, so
// a symlink swapped in between a check and an open cannot lead outside dir: absolute
// paths, ".." escapes and symlinks resolving outside dir are refused, and so is any path
// through .git (named, in any letter case, or reached through a symlink). Non-regular
// files are refused, and files larger than MaxFileSize are refused after a Stat, unread.
func OSRoot(dir string) (Root, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", dir, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", dir, err)
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("root %s: not a directory", dir)
	}
	root, err := os.OpenRoot(real)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", dir, err)
	}
	return &osRoot{dir: real, root: root, max: MaxFileSize}, nil
}

func (r *osRoot) Dir() string { return r.dir }

// ReadFileLimit is root.ReadFile with a size limit of its own (a rendered manifest
// stream outgrows MaxFileSize); a Root not over the OS uses its own ReadFile.
func ReadFileLimit(root Root, rel string, max int64) ([]byte, error) {
	if r, ok := root.(*osRoot); ok {
		return r.readFile(rel, max)
	}
	return root.ReadFile(rel)
}

func (r *osRoot) ReadFile(rel string) ([]byte, error) { return r.readFile(rel, r.max) }

func (r *osRoot) readFile(rel string, max int64) ([]byte, error) {
	c, st, err := r.resolve(rel)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", rel)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", rel)
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s: file is %d bytes, larger than the %d MiB limit", rel, st.Size(), max>>20)
	}
	f, err := r.open(rel, c, st)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, unwrapPath(err))
	}
	if int64(len(data)) > max { // grew between Stat and read
		return nil, fmt.Errorf("%s: file is larger than the %d MiB limit", rel, max>>20)
	}
	return data, nil
}

// open opens the resolved path c through the os.Root (never outside it, never a symlink
// as the last step, never blocking on a FIFO) and checks that what it opened is the
// file resolve looked at: a path changed in between (a directory swapped for a symlink
// into .git, say) is refused.
func (r *osRoot) open(rel, c string, want fs.FileInfo) (*os.File, error) {
	if testHookBeforeOpen != nil {
		testHookBeforeOpen(c)
	}
	f, err := r.root.OpenFile(c, os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		if unwrapPath(err).Error() == "path escapes from parent" { // os.Root refused: the path changed
			return nil, outsidef("%s: a symlink resolves outside the root", rel)
		}
		return nil, fmt.Errorf("%s: %w", rel, unwrapPath(err))
	}
	got, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", rel, unwrapPath(err))
	}
	if !os.SameFile(got, want) {
		f.Close()
		return nil, fmt.Errorf("%s: changed while floe read it; refusing", rel)
	}
	return f, nil
}

func (r *osRoot) Stat(rel string) (bool, error) {
	_, st, err := r.resolve(rel)
	if err != nil {
		return false, err
	}
	return st.IsDir(), nil
}

// ReadDir lists a directory; .git entries are left out, as floe never reads them.
func (r *osRoot) ReadDir(rel string) ([]string, error) {
	c, st, err := r.resolve(rel)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", rel)
	}
	f, err := r.open(rel, c, st)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	all, err := f.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, unwrapPath(err))
	}
	names := all[:0]
	for _, n := range all {
		if !isGitName(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// testHookBeforeOpen, when set by a test, runs between resolve and open.
var testHookBeforeOpen func(resolved string)

// osEntry is a path resolved inside the os.Root and its Lstat.
type osEntry struct {
	path string
	st   fs.FileInfo
}

// resolve maps a root-relative path to the root-relative path it names with every
// symlink followed, and the Lstat of what it names. It walks one component at a time
// through the os.Root (Lstat, Readlink; WalkLinks), so it sees each symlink: one
// leading outside the root or into .git is refused with a message saying so.
func (r *osRoot) resolve(rel string) (string, fs.FileInfo, error) {
	c, err := CleanRel(rel)
	if err != nil {
		return "", nil, err
	}
	if InGitDir(c) {
		return "", nil, outsidef("%s: inside .git, which floe never reads", c)
	}
	st, err := r.root.Lstat(".")
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", c, unwrapPath(err))
	}
	e, err := WalkLinks(c, c, osEntry{".", st}, func(dir osEntry, name string) (osEntry, string, bool, error) {
		if isGitName(name) {
			return osEntry{}, "", false, outsidef("%s: a symlink resolves into .git, which floe never reads", c)
		}
		p := path.Join(dir.path, name)
		st, err := r.root.Lstat(p)
		if err != nil {
			return osEntry{}, "", false, fmt.Errorf("%s: %w", c, unwrapPath(err))
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			return osEntry{p, st}, "", false, nil
		}
		target, err := r.root.Readlink(p)
		if err != nil {
			return osEntry{}, "", false, fmt.Errorf("%s: %w", c, unwrapPath(err))
		}
		if filepath.IsAbs(target) {
			in, err := filepath.Rel(r.dir, target)
			if err != nil || in == ".." || strings.HasPrefix(in, ".."+string(filepath.Separator)) {
				return osEntry{}, "", false, outsidef("%s: a symlink resolves outside the root", c)
			}
			target = "/" + in
		}
		return osEntry{}, filepath.ToSlash(target), true, nil
	})
	if err != nil {
		return "", nil, err
	}
	return e.path, e.st, nil
}

// isGitName reports whether a path component is .git, in any letter case (macOS and
// Windows file systems fold case).
func isGitName(name string) bool { return strings.EqualFold(name, ".git") }

// InGitDir reports whether a slash-separated path names .git, in any letter case, or
// lies under it: what floe never reads.
func InGitDir(c string) bool {
	for name := range strings.SplitSeq(c, "/") {
		if isGitName(name) {
			return true
		}
	}
	return false
}

// unwrapPath drops the *fs.PathError wrapping (its path is the resolved one, not the
// one the user gave).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// FindRoot implements the default root (D-CLI-01) for a path given on the command line: the
// nearest ancestor directory (of p itself when p is a directory) that contains `.git`
// (a directory, or a file in worktrees); outside git, the current directory. git is not
// executed.
func FindRoot(p string) string {
	cwd, _ := os.Getwd()
	if p == "" {
		p = cwd
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return cwd
	}
	dir := abs
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		dir = filepath.Dir(abs)
	}
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return cwd
		}
		dir = parent
	}
}

// RootRel turns a user-supplied CLI path (relative to cwd, or absolute) into a
// root-relative slash path. Symlinks are followed for existing paths; the result must be
// inside rootDir.
func RootRel(rootDir, cwd, p string) (string, error) {
	if p == "" {
		return "", errors.New("empty path")
	}
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(cwd, p)
	}
	abs = filepath.Clean(abs)
	realRoot, err := filepath.EvalSymlinks(rootDir)
	if err != nil {
		return "", fmt.Errorf("root %s: %w", rootDir, err)
	}
	realRoot, _ = filepath.Abs(realRoot)
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	} else if real, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(real, filepath.Base(abs))
	}
	rel, err := filepath.Rel(realRoot, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", outsidef("%s is outside the root %s", p, rootDir)
	}
	return filepath.ToSlash(rel), nil
}

// DefaultRoot is the root (D-CLI-01, D-ARGO-02) when --root is not given. Under Argo CD (getenv
// ARGOCD_APP_SOURCE_PATH set and cwd ending with it) it is cwd with that suffix taken
// off; otherwise FindRoot(p) — the nearest ancestor of p holding .git, else cwd.
func DefaultRoot(cwd, p string, getenv func(string) string) string {
	if getenv != nil {
		if sp := strings.Trim(filepath.Clean(getenv("ARGOCD_APP_SOURCE_PATH")), string(filepath.Separator)); sp != "" && sp != "." {
			c := filepath.Clean(cwd)
			if strings.HasSuffix(c, string(filepath.Separator)+sp) {
				return strings.TrimSuffix(c, string(filepath.Separator)+sp)
			}
		}
	}
	if p != "" && !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	if p == "" {
		p = cwd
	}
	return FindRoot(p)
}
