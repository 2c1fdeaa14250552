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
	dir  string // absolute, symlinks resolved
	max  int64
	pref string // dir + separator
}

// OSRoot is a Root over the directory tree at dir. Reads are confined: absolute paths,
// ".." escapes and symlinks resolving outside dir are refused, non-regular files are
// refused, and files larger than MaxFileSize are refused after a Stat, unread.
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
	pref := real
	if !strings.HasSuffix(pref, string(filepath.Separator)) {
		pref += string(filepath.Separator)
	}
	return &osRoot{dir: real, max: MaxFileSize, pref: pref}, nil
}

func (r *osRoot) Dir() string { return r.dir }

// resolve maps a root-relative path to an absolute path inside root after following
// symlinks. The target must exist.
func (r *osRoot) resolve(rel string) (string, error) {
	c, err := CleanRel(rel)
	if err != nil {
		return "", err
	}
	p := filepath.Join(r.dir, filepath.FromSlash(c))
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Errorf("%s: %w", c, err)
	}
	if real != r.dir && !strings.HasPrefix(real, r.pref) {
		return "", outsidef("%s: a symlink resolves outside the root", c)
	}
	return real, nil
}

func (r *osRoot) ReadFile(rel string) ([]byte, error) {
	p, err := r.resolve(rel)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", rel)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", rel)
	}
	if st.Size() > r.max {
		return nil, fmt.Errorf("%s: file is %d bytes, larger than the %d MiB limit", rel, st.Size(), r.max>>20)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, r.max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	if int64(len(data)) > r.max { // grew between Stat and read
		return nil, fmt.Errorf("%s: file is larger than the %d MiB limit", rel, r.max>>20)
	}
	return data, nil
}

func (r *osRoot) Stat(rel string) (bool, error) {
	p, err := r.resolve(rel)
	if err != nil {
		return false, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return false, err
	}
	return st.IsDir(), nil
}

func (r *osRoot) ReadDir(rel string) ([]string, error) {
	p, err := r.resolve(rel)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ents))
	for i, e := range ents {
		names[i] = e.Name()
	}
	sort.Strings(names)
	return names, nil
}

// FindRoot implements CLI.md's default root for a path given on the command line: the
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

// DefaultRoot is CLI.md's root when --root is not given. Under Argo CD (getenv
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
