package overlay

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/floe-dev/floe/config"
)

// In-memory locations floe writes for kustomize.
const (
	memoryRoot       = "/_floe/r"
	memoryRendered   = "/_floe/rendered"
	memoryComponents = "/_floe/components"
)

// Generated name prefixes: every in-memory name under memoryRoot is a prefix followed by
// a decimal counter, so it is made of [a-z0-9] only.
const (
	directoryPrefix = "floed"
	filePrefix      = "floef"
)

// memoryTree maps root-relative paths to the in-memory paths floe generates for them and
// back. The directory structure is kept (a root-relative directory's children live under
// its in-memory directory), so kustomize's own load restrictions and cycle checks see the
// same relations as in the root; only the names change.
type memoryTree struct {
	memory  map[string]string // root-relative path → in-memory path
	user    map[string]string // in-memory path → root-relative path
	spelled map[string]string // relative in-memory reference → the entry as written
	next    int
}

func newMemoryTree() *memoryTree {
	return &memoryTree{memory: map[string]string{}, user: map[string]string{memoryRoot: "."}, spelled: map[string]string{}}
}

// path returns the in-memory path of the cleaned root-relative rel, generating names for
// it and its parent directories on first use.
func (t *memoryTree) path(rel string, isDir bool) string {
	if rel == "." {
		return memoryRoot
	}
	if p, ok := t.memory[rel]; ok {
		return p
	}
	prefix := filePrefix
	if isDir {
		prefix = directoryPrefix
	}
	p := t.path(path.Dir(rel), true) + "/" + prefix + strconv.Itoa(t.next)
	t.next++
	t.memory[rel] = p
	t.user[p] = rel
	return p
}

// reference is the in-memory path of target relative to the in-memory directory from,
// recorded with the entry as the user spelled it (for messages).
func (t *memoryTree) reference(from, target, spelled string) string {
	r := relativePath(from, target)
	if _, ok := t.spelled[r]; !ok {
		t.spelled[r] = spelled
	}
	return r
}

// relativePath is the slash path of to relative to the directory from (both absolute and
// clean).
func relativePath(from, to string) string {
	f := strings.Split(strings.Trim(from, "/"), "/")
	g := strings.Split(strings.Trim(to, "/"), "/")
	i := 0
	for i < len(f) && i < len(g) && f[i] == g[i] {
		i++
	}
	parts := make([]string, 0, len(f)-i+len(g)-i)
	for range f[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, g[i:]...)
	if len(parts) == 0 {
		return "."
	}
	return strings.Join(parts, "/")
}

// rootPath joins a kustomization entry onto the root-relative dir and refuses results
// that are absolute, leave root or pass through a .git directory.
func rootPath(dir, entry string) (string, error) {
	if entry == "" {
		return "", errors.New("empty path")
	}
	if strings.ContainsRune(entry, 0) {
		return "", fmt.Errorf("path %q contains a NUL byte", entry)
	}
	if strings.HasPrefix(entry, "/") || strings.HasPrefix(entry, `\`) {
		return "", outsideRoot(fmt.Sprintf("absolute path %q refused: paths are relative to the kustomization", entry))
	}
	rel := path.Clean(path.Join(dir, entry))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", outsideRoot(fmt.Sprintf("path %q leaves root", entry))
	}
	if config.InGitDir(rel) {
		return "", fmt.Errorf("path %q reads a .git directory: refused", entry)
	}
	return rel, nil
}

// within reports whether the root-relative rel is dir or below it.
func within(rel, dir string) bool {
	return dir == "." || rel == dir || strings.HasPrefix(rel, dir+"/")
}

// outsideRoot is an error about a path leaving root; it matches config.ErrOutsideRoot.
type outsideRoot string

func (e outsideRoot) Error() string        { return string(e) }
func (e outsideRoot) Is(target error) bool { return target == config.ErrOutsideRoot }

// looksRemote reports entries kustomize would fetch: an http(s) URL (its file loader GETs
// them) or a string its git.NewRepoSpecFromURL accepts (it runs git clone): after an
// optional "git::", a ssh/https/http/file scheme, an scp-style "user@" or a github.com
// host. It only chooses the message for an entry that does not exist in root: floe never
// hands an entry to kustomize, remote-looking or not.
func looksRemote(entry string) bool {
	if u, err := url.Parse(entry); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return true
	}
	s := entry
	if len(s) >= 5 && strings.EqualFold(s[:5], "git::") {
		s = s[5:]
	}
	l := strings.ToLower(s)
	for _, p := range []string{"ssh://", "https://", "http://", "file://", "github.com/", "github.com:"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return scpUser.MatchString(s)
}

// scpUser is the user part of an scp-style git URL, as kustomize's repospec matches it.
var scpUser = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]*@`)
