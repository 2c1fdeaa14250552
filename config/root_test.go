package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hostileRoot builds root/ with hostile files and a secret outside it.
func hostileRoot(t *testing.T) (root Root, dir string) {
	t.Helper()
	base := t.TempDir()
	dir = filepath.Join(base, "root")
	write(t, filepath.Join(base, "outside", "floe.yaml"), "apiVersion: floe.dev/v1\n")
	write(t, filepath.Join(dir, "ok.yaml"), "a: 1\n")
	if err := os.Symlink(filepath.Join("..", "outside", "floe.yaml"), filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "outside"), filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ok.yaml", filepath.Join(dir, "inside-link.yaml")); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(dir, "big.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(30 << 20); err != nil { // 30 MB, sparse: never read
		t.Fatal(err)
	}
	big.Close()
	write(t, filepath.Join(dir, "binary.yaml"), "\x7fELF\x02\x01\x01\x00\x00\x00garbage")
	write(t, filepath.Join(dir, "latin1.yaml"), "name: caf\xe9\n")
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o644); err != nil {
		t.Logf("no fifo: %v", err)
	}
	return mustRoot(t, dir), dir
}

func TestHostileInputs(t *testing.T) {
	r, dir := hostileRoot(t)
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += n + ": &" + n + " [" + strings.Repeat("*"+prev+", ", 8) + "*" + prev + "]\n"
		prev = n
	}
	write(t, filepath.Join(dir, "bomb.yaml"), bomb)
	write(t, filepath.Join(dir, "deep.yaml"), "a: "+strings.Repeat("[", 200)+strings.Repeat("]", 200)+"\n")
	write(t, filepath.Join(dir, "multi.yaml"), "a: 1\n---\nb: 2\n")
	write(t, filepath.Join(dir, "selfref.yaml"), "a: &a [*a]\n")

	abs := filepath.Join(dir, "ok.yaml")
	tests := []struct{ rel, want string }{
		{"bomb.yaml", "aliases expand to more than 100000 nodes"},
		{"big.yaml", "big.yaml: file is 31457280 bytes, larger than the 4 MiB limit"},
		{"binary.yaml", "binary.yaml:1:1: file contains a NUL byte"},
		{"latin1.yaml", "latin1.yaml:1:1: file is not valid UTF-8 text"},
		{"../outside/floe.yaml", `path "../outside/floe.yaml" climbs out of the root`},
		{"a/../../outside/floe.yaml", "climbs out of the root"},
		{abs, "is absolute; paths must be relative to the root"},
		{"link.yaml", "link.yaml: a symlink resolves outside the root"},
		{"linkdir/floe.yaml", "linkdir/floe.yaml: a symlink resolves outside the root"},
		{"linkdir", "a symlink resolves outside the root"},
		{"deep.yaml", "YAML nesting deeper than 128 levels"},
		{"multi.yaml", "multi.yaml:2:1: file holds more than one YAML document"},
		{"selfref.yaml", "refers to a node that contains it"},
		{"missing.yaml", "missing.yaml: no such file or directory"},
	}
	if _, err := os.Stat(filepath.Join(dir, "fifo.yaml")); err == nil {
		tests = append(tests, struct{ rel, want string }{"fifo.yaml", "fifo.yaml: not a regular file"})
	}
	for _, tc := range tests {
		t.Run(tc.rel, func(t *testing.T) {
			for name, load := range map[string]func() error{
				"product":  func() error { _, ds := LoadProduct(r, tc.rel); return ds.Err() },
				"manifest": func() error { _, ds := LoadManifest(r, tc.rel); return ds.Err() },
				"contract": func() error { _, ds := LoadContract(r, tc.rel); return ds.Err() },
			} {
				err := load()
				if err == nil {
					t.Fatalf("%s: accepted", name)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: got %q, want it to contain %q", name, err, tc.want)
				}
			}
		})
	}
	// a symlink that stays inside the root is fine
	if _, err := r.ReadFile("inside-link.yaml"); err != nil {
		t.Errorf("inside link: %v", err)
	}
}

func TestParseSourceLimits(t *testing.T) {
	huge := bytes.Repeat([]byte("a"), MaxFileSize+1)
	if _, ds := ParseSource("x.yaml", huge); !strings.Contains(ds.Error(), "larger than the 4 MiB limit") {
		t.Errorf("huge: %v", ds)
	}
	if _, ds := ParseSource("x.yaml", []byte("  \n")); !strings.Contains(ds.Error(), "file is empty") {
		t.Errorf("empty: %v", ds)
	}
	if _, ds := ParseSource("x.yaml", []byte("a: [1\n")); !strings.Contains(ds.Error(), "invalid YAML") {
		t.Errorf("syntax: %v", ds)
	}
	many := "a: &a x\nb: [" + strings.Repeat("*a, ", MaxAliases) + "*a]\n"
	if _, ds := ParseSource("x.yaml", []byte(many)); !strings.Contains(ds.Error(), "more than 10000 YAML aliases") {
		t.Errorf("aliases: %v", ds)
	}
	if s, ds := ParseSource("x.yaml", []byte("a: &a {b: 1}\nc: *a\n")); ds.HasErrors() || s == nil {
		t.Errorf("a modest alias must be accepted: %v", ds)
	}
}

func TestCleanRel(t *testing.T) {
	for in, want := range map[string]string{"a/b.yaml": "a/b.yaml", "./a//b/../c": "a/c", ".": "."} {
		if got, err := CleanRel(in); err != nil || got != want {
			t.Errorf("CleanRel(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "/etc/passwd", "..", "../x", "a/../../x"} {
		_, err := CleanRel(bad)
		if err == nil {
			t.Errorf("CleanRel(%q) accepted", bad)
		}
		if bad != "" && !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("CleanRel(%q): %v is not ErrOutsideRoot", bad, err)
		}
	}
	if got, err := JoinRel("demo/customer-360", "../manifest.yaml"); err != nil || got != "demo/manifest.yaml" {
		t.Errorf("JoinRel: %q %v", got, err)
	}
	if _, err := JoinRel("demo", "../../x.yaml"); err == nil {
		t.Error("JoinRel escaped")
	}
}

func TestFindRootAndRootRel(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	write(t, filepath.Join(repo, ".git", "HEAD"), "ref: refs/heads/main\n")
	write(t, filepath.Join(repo, "products", "p", "floe.yaml"), "x: 1\n")
	if got := FindRoot(filepath.Join(repo, "products", "p", "floe.yaml")); got != repo {
		t.Errorf("FindRoot(file) = %q, want %q", got, repo)
	}
	if got := FindRoot(filepath.Join(repo, "products", "p")); got != repo {
		t.Errorf("FindRoot(dir) = %q", got)
	}
	// a worktree has a .git file
	wt := filepath.Join(base, "wt")
	write(t, filepath.Join(wt, ".git"), "gitdir: /elsewhere\n")
	write(t, filepath.Join(wt, "p", "floe.yaml"), "x: 1\n")
	if got := FindRoot(filepath.Join(wt, "p")); got != wt {
		t.Errorf("FindRoot(worktree) = %q", got)
	}
	// outside git: the current directory
	plain := filepath.Join(base, "plain")
	write(t, filepath.Join(plain, "floe.yaml"), "x: 1\n")
	cwd, _ := os.Getwd()
	if got := FindRoot(plain); got != cwd && !strings.HasPrefix(plain, got) {
		t.Errorf("FindRoot(outside git) = %q, want cwd %q", got, cwd)
	}

	if got, err := RootRel(repo, filepath.Join(repo, "products"), "p/floe.yaml"); err != nil || got != "products/p/floe.yaml" {
		t.Errorf("RootRel relative: %q %v", got, err)
	}
	if got, err := RootRel(repo, "/", filepath.Join(repo, "products", "p")); err != nil || got != "products/p" {
		t.Errorf("RootRel absolute: %q %v", got, err)
	}
	if _, err := RootRel(repo, repo, "../plain/floe.yaml"); err == nil || !strings.Contains(err.Error(), "outside the root") {
		t.Errorf("RootRel outside: %v", err)
	}
	if err := os.Symlink(plain, filepath.Join(repo, "escape")); err != nil {
		t.Fatal(err)
	}
	if _, err := RootRel(repo, repo, "escape/floe.yaml"); err == nil {
		t.Error("RootRel followed a symlink out of root")
	}
}

// gitRoot is a root holding a .git directory, a secret beside it and links to both.
func gitRoot(t *testing.T) (Root, string) {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "root")
	write(t, filepath.Join(dir, ".git", "config"), "[remote \"origin\"]\n\turl = https://token@example.com/x\n")
	write(t, filepath.Join(dir, ".git", "refs", "floe.yaml"), "a: 1\n")
	write(t, filepath.Join(dir, "ok.yaml"), "a: 1\n")
	write(t, filepath.Join(base, "outside", "secret.yaml"), "a: 1\n")
	for link, target := range map[string]string{
		"config.yaml":    ".git/config",
		"refs":           ".git/refs",
		"git":            ".git",
		"GitLink":        ".GIT",
		"sub/up.yaml":    "../.git/config",
		"abs.yaml":       filepath.Join(dir, ".git", "config"),
		"out.yaml":       filepath.Join(base, "outside", "secret.yaml"),
		"absin.yaml":     filepath.Join(dir, "ok.yaml"),
		"loop.yaml":      "loop.yaml",
		"sub/dotdot.yml": "../../outside/secret.yaml",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, link)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	return mustRoot(t, dir), dir
}

// TestOSRootNeverReadsGit: no path into .git is read, named or through a symlink, in
// any letter case; the error says why and is ErrOutsideRoot.
func TestOSRootNeverReadsGit(t *testing.T) {
	r, _ := gitRoot(t)
	for rel, want := range map[string]string{
		".git/config":        ".git/config: inside .git, which floe never reads",
		".GIT/config":        ".GIT/config: inside .git, which floe never reads",
		"sub/../.git/config": ".git/config: inside .git, which floe never reads",
		".git":               ".git: inside .git, which floe never reads",
		"config.yaml":        "config.yaml: a symlink resolves into .git, which floe never reads",
		"refs/floe.yaml":     "refs/floe.yaml: a symlink resolves into .git",
		"git/config":         "git/config: a symlink resolves into .git",
		"GitLink/config":     "GitLink/config: a symlink resolves into .git",
		"sub/up.yaml":        "sub/up.yaml: a symlink resolves into .git",
		"abs.yaml":           "abs.yaml: a symlink resolves into .git",
	} {
		t.Run(rel, func(t *testing.T) {
			for op, call := range map[string]func() error{
				"ReadFile": func() error { _, err := r.ReadFile(rel); return err },
				"Stat":     func() error { _, err := r.Stat(rel); return err },
				"ReadDir":  func() error { _, err := r.ReadDir(rel); return err },
			} {
				err := call()
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s: %v, want %q", op, err, want)
				}
				if !errors.Is(err, ErrOutsideRoot) {
					t.Errorf("%s: %v is not ErrOutsideRoot", op, err)
				}
			}
		})
	}
	names, err := r.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.EqualFold(n, ".git") {
			t.Errorf("ReadDir lists %s", n)
		}
	}
}

// TestOSRootLinks: links out of the root are refused, links inside it followed.
func TestOSRootLinks(t *testing.T) {
	r, _ := gitRoot(t)
	for rel, want := range map[string]string{
		"out.yaml":       "out.yaml: a symlink resolves outside the root",
		"sub/dotdot.yml": "sub/dotdot.yml: a symlink resolves outside the root",
		"loop.yaml":      "loop.yaml: too many levels of symlinks",
	} {
		if _, err := r.ReadFile(rel); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", rel, err, want)
		}
	}
	if b, err := r.ReadFile("absin.yaml"); err != nil || string(b) != "a: 1\n" {
		t.Errorf("absolute link inside the root: %q %v", b, err)
	}
}

// TestOSRootSwap: a directory swapped for a symlink between the check and the open
// (a TOCTOU race) leads neither outside the root nor into .git.
func TestOSRootSwap(t *testing.T) {
	for name, tc := range map[string]struct{ target, want string }{
		"outside": {filepath.Join("..", "outside"), "d/floe.yaml: a symlink resolves outside the root"},
		"git":     {".git", "d/floe.yaml: changed while floe read it; refusing"},
	} {
		t.Run(name, func(t *testing.T) {
			r, dir := gitRoot(t)
			write(t, filepath.Join(dir, "d", "floe.yaml"), "a: 1\n")
			write(t, filepath.Join(dir, "..", "outside", "floe.yaml"), "secret: 1\n")
			write(t, filepath.Join(dir, ".git", "floe.yaml"), "secret: 1\n")
			if isDir, err := r.Stat("d/floe.yaml"); err != nil || isDir {
				t.Fatalf("Stat: %v %v", isDir, err)
			}
			testHookBeforeOpen = func(string) {
				if err := os.RemoveAll(filepath.Join(dir, "d")); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(tc.target, filepath.Join(dir, "d")); err != nil {
					t.Fatal(err)
				}
			}
			defer func() { testHookBeforeOpen = nil }()
			b, err := r.ReadFile("d/floe.yaml")
			if err == nil {
				t.Fatalf("read %q through the swapped link", b)
			}
			if err.Error() != tc.want {
				t.Errorf("got %q, want %q", err, tc.want)
			}
			testHookBeforeOpen = nil
			// once swapped, the next read sees the link and says where it leads
			if _, err := r.ReadFile("d/floe.yaml"); err == nil {
				t.Fatal("read through the link")
			}
		})
	}
}
