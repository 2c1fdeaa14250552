// Package gitroot reads the files of one git commit as a config.Root, without checking
// anything out: the system git lists trees (ls-tree) and streams blobs from one
// long-lived `git cat-file --batch` process. Nothing in the working tree, the index or
// the refs is written, and git runs with a scrubbed environment and configuration that
// keeps repository-controlled programs (fsmonitor, hooks, pagers, transports) from
// running.
package gitroot

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/floe-dev/floe/config"
)

// MaxFileSize is the largest file ReadFile returns, as for the OS root.
const MaxFileSize = config.MaxFileSize

// maxSymlinks bounds the symlinks followed while resolving one path (as Linux does).
const maxSymlinks = 40

// Root is a config.Root over the tree of one commit, confined to the directory the
// root was opened at (its path inside the repository is Prefix). Safe for concurrent use.
type Root struct {
	dir    string // where git runs: the root directory in the working tree
	rev    string // as the user gave it, for messages
	commit string
	prefix string // root's directory inside the repository: "" or "a/b"
	tree   string // tree object of the root directory at commit
	env    []string
	ctx    context.Context

	mu    sync.Mutex
	trees map[string][]entry // tree object → entries, sorted by name
	cat   *catFile
	max   int64
}

var _ config.Root = (*Root)(nil)

type entry struct {
	name string
	mode string // 040000 tree, 100644/100755 file, 120000 symlink, 160000 submodule
	oid  string
	size int64 // -1 for trees and submodules
}

func (e entry) isDir() bool     { return e.mode == "040000" }
func (e entry) isLink() bool    { return e.mode == "120000" }
func (e entry) isGitlink() bool { return e.mode == "160000" }

// Open resolves rev (a commit-ish: SHA, branch, tag, HEAD~1, …) in the repository that
// holds dir and returns a Root over dir's directory as it is in that commit. dir
// must be inside a git working tree. ctx bounds every git process the Root runs;
// Close ends the long-lived one.
func Open(ctx context.Context, dir, rev string) (*Root, error) {
	if rev == "" || strings.HasPrefix(rev, "-") || strings.ContainsAny(rev, "\x00\n\r") {
		return nil, fmt.Errorf("git revision %q: not a revision", rev)
	}
	r := &Root{dir: dir, rev: rev, env: safeEnv(os.Environ()), ctx: ctx, trees: map[string][]entry{}, max: MaxFileSize}
	out, err := r.git("rev-parse", "--is-inside-work-tree", "--show-prefix")
	if err != nil {
		return nil, fmt.Errorf("%s: not inside a git working tree: %w", dir, err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) == 0 || lines[0] != "true" {
		return nil, fmt.Errorf("%s: not inside a git working tree", dir)
	}
	if len(lines) > 1 {
		r.prefix = strings.TrimSuffix(lines[1], "/")
	}
	out, err = r.git("rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("git revision %q: not a commit in the repository of %s", rev, dir)
	}
	r.commit = strings.TrimSpace(string(out))
	out, err = r.git("rev-parse", "--verify", "--quiet", "--end-of-options", r.commit+"^{tree}")
	if err != nil {
		return nil, fmt.Errorf("git revision %q: %w", rev, err)
	}
	r.tree = strings.TrimSpace(string(out))
	if r.prefix != "" {
		// The root directory itself as it was at rev: every component a real directory.
		for _, c := range strings.Split(r.prefix, "/") {
			e, ok, err := r.lookup(r.tree, c)
			if err != nil {
				return nil, err
			}
			if !ok || !e.isDir() {
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

// Close ends the cat-file process, if one was started.
func (r *Root) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cat == nil {
		return nil
	}
	err := r.cat.close()
	r.cat = nil
	return err
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
	case e.size > r.max:
		return nil, fmt.Errorf("%s: file is %d bytes, larger than the %d MiB limit", r.at(c), e.size, r.max>>20)
	}
	return r.blob(e.oid, r.max)
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
	ents, err := r.list(e.oid)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ents))
	for i, x := range ents {
		names[i] = x.name
	}
	sort.Strings(names)
	return names, nil
}

func (r *Root) at(rel string) string { return rel + " at " + r.rev }

// resolve walks rel from the root, following symlinks; a symlink that is absolute or
// whose target climbs above the root is refused.
func (r *Root) resolve(rel string) (entry, string, error) {
	c, err := config.CleanRel(rel)
	if err != nil {
		return entry{}, "", err
	}
	rootEntry := entry{name: ".", mode: "040000", oid: r.tree, size: -1}
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
		e, ok, err := r.lookup(cur.oid, name)
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
			if e.size > 4096 {
				return entry{}, c, fmt.Errorf("%s: symlink target too long", r.at(c))
			}
			target, err := r.blob(e.oid, 4096)
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

// lookup finds name in the tree object oid.
func (r *Root) lookup(oid, name string) (entry, bool, error) {
	ents, err := r.list(oid)
	if err != nil {
		return entry{}, false, err
	}
	i := sort.Search(len(ents), func(i int) bool { return ents[i].name >= name })
	if i < len(ents) && ents[i].name == name {
		return ents[i], true, nil
	}
	return entry{}, false, nil
}

// list returns the entries of a tree object (cached; ls-tree once per directory).
func (r *Root) list(oid string) ([]entry, error) {
	r.mu.Lock()
	ents, ok := r.trees[oid]
	r.mu.Unlock()
	if ok {
		return ents, nil
	}
	// --full-tree: without it ls-tree lists only what lies under git's working
	// directory, even for a tree object.
	out, err := r.git("ls-tree", "-z", "-l", "--full-tree", "--end-of-options", oid)
	if err != nil {
		return nil, fmt.Errorf("listing a directory at %s: %w", r.rev, err)
	}
	ents, err = parseLsTree(out)
	if err != nil {
		return nil, fmt.Errorf("listing a directory at %s: %w", r.rev, err)
	}
	r.mu.Lock()
	r.trees[oid] = ents
	r.mu.Unlock()
	return ents, nil
}

// parseLsTree reads `git ls-tree -z -l`: "<mode> <type> <object> <size>\t<name>\x00".
func parseLsTree(out []byte) ([]entry, error) {
	var ents []entry
	for _, rec := range bytes.Split(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		meta, name, ok := bytes.Cut(rec, []byte{'\t'})
		f := strings.Fields(string(meta))
		if !ok || len(f) != 4 || len(name) == 0 {
			return nil, fmt.Errorf("unexpected ls-tree output %q", rec)
		}
		e := entry{name: string(name), mode: f[0], oid: f[2], size: -1}
		if f[3] != "-" {
			n, err := strconv.ParseInt(f[3], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("unexpected ls-tree size %q", f[3])
			}
			e.size = n
		}
		ents = append(ents, e)
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].name < ents[j].name })
	return ents, nil
}

// blob reads one blob through the long-lived cat-file process.
func (r *Root) blob(oid string, max int64) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cat == nil {
		c, err := startCatFile(r.ctx, r.dir, r.env)
		if err != nil {
			return nil, err
		}
		r.cat = c
	}
	b, err := r.cat.read(oid, max)
	if err != nil {
		// The stream may be out of step now: start afresh next time.
		r.cat.close()
		r.cat = nil
		return nil, fmt.Errorf("reading %s at %s: %w", oid, r.rev, err)
	}
	return b, nil
}

// git runs one short git command in the root directory and returns its stdout.
func (r *Root) git(args ...string) ([]byte, error) {
	cmd := exec.CommandContext(r.ctx, "git", append(safeArgs(), args...)...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &limited{buf: &stderr, n: 4096}
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return nil, fmt.Errorf("git %s: %w", args[0], err)
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return stdout.Bytes(), nil
}

// safeArgs are the options every git command runs with: no pager, no replace refs,
// no fsmonitor or hooks, no transport (so a partial clone never fetches), no
// implicitly discovered bare repositories.
func safeArgs() []string {
	return []string{
		"--no-pager", "--no-replace-objects", "--literal-pathspecs",
		"-c", "core.fsmonitor=false",
		"-c", "core.hooksPath=/dev/null",
		"-c", "protocol.allow=never",
		"-c", "safe.bareRepository=explicit",
		"-c", "core.sshCommand=false",
		"-c", "credential.helper=",
	}
}

// safeEnv is env without GIT_* variables (a GIT_DIR or GIT_CONFIG_* from the caller's
// environment must not redirect or reconfigure git), with the system configuration
// ignored, prompts, pagers and lazy fetches off and messages in English.
func safeEnv(env []string) []string {
	out := make([]string, 0, len(env)+8)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || k == "PAGER" || k == "LC_ALL" || k == "LANG" || k == "LANGUAGE" || k == "SSH_ASKPASS" || k == "EDITOR" || k == "VISUAL" {
			continue
		}
		out = append(out, kv)
	}
	return append(out,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_ATTR_NOSYSTEM=1",
		"GIT_NO_REPLACE_OBJECTS=1",
		"GIT_NO_LAZY_FETCH=1",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_OPTIONAL_LOCKS=0",
		"GIT_PAGER=cat",
		"PAGER=cat",
		"LC_ALL=C",
	)
}

// catFile is a running `git cat-file --batch`.
type catFile struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr bytes.Buffer
}

func startCatFile(ctx context.Context, dir string, env []string) (*catFile, error) {
	c := &catFile{}
	c.cmd = exec.CommandContext(ctx, "git", append(safeArgs(), "cat-file", "--batch")...)
	c.cmd.Dir = dir
	c.cmd.Env = env
	c.cmd.Stderr = &limited{buf: &c.stderr, n: 4096}
	in, err := c.cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting git cat-file: %w", err)
	}
	c.in, c.out = in, bufio.NewReaderSize(out, 64<<10)
	return c, nil
}

// read asks for one object and reads it; objects over max are refused (and skipped).
func (c *catFile) read(oid string, max int64) ([]byte, error) {
	if _, err := io.WriteString(c.in, oid+"\n"); err != nil {
		return nil, c.failed(err)
	}
	head, err := c.out.ReadString('\n')
	if err != nil {
		return nil, c.failed(err)
	}
	f := strings.Fields(head)
	if len(f) == 2 && f[1] == "missing" {
		return nil, fmt.Errorf("object %s is missing from the repository", oid)
	}
	if len(f) != 3 || f[0] != oid {
		return nil, fmt.Errorf("unexpected cat-file reply %q", strings.TrimSpace(head))
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 {
		return nil, fmt.Errorf("unexpected cat-file size %q", f[2])
	}
	if f[1] != "blob" {
		return nil, fmt.Errorf("object %s is a %s, not a file", oid, f[1])
	}
	if size > max {
		return nil, fmt.Errorf("object %s is %d bytes, larger than the %d byte limit", oid, size, max)
	}
	data := make([]byte, size+1)
	if _, err := io.ReadFull(c.out, data); err != nil {
		return nil, c.failed(err)
	}
	if data[size] != '\n' {
		return nil, errors.New("cat-file reply not terminated by a newline")
	}
	return data[:size], nil
}

func (c *catFile) failed(err error) error {
	if msg := strings.TrimSpace(c.stderr.String()); msg != "" {
		return fmt.Errorf("git cat-file: %s", msg)
	}
	return fmt.Errorf("git cat-file: %w", err)
}

func (c *catFile) close() error {
	c.in.Close()
	err := c.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return nil // killed by a cancelled context, or exited on its closed input
	}
	return err
}

// limited keeps the first n bytes written to it and drops the rest.
type limited struct {
	buf *bytes.Buffer
	n   int
}

func (l *limited) Write(p []byte) (int, error) {
	if room := l.n - l.buf.Len(); room > 0 {
		if len(p) > room {
			l.buf.Write(p[:room])
		} else {
			l.buf.Write(p)
		}
	}
	return len(p), nil
}
