package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadGitFile: only HEAD, packed-refs and refs/ are read from .git, with no symlink
// followed; everything else of .git stays unread.
func TestReadGitFile(t *testing.T) {
	r, dir := gitRoot(t)
	write(t, filepath.Join(dir, ".git", "HEAD"), "ref: refs/heads/main\n")
	write(t, filepath.Join(dir, ".git", "refs", "heads", "main"), "0123456789abcdef0123456789abcdef01234567\n")
	if err := os.Symlink(filepath.Join("..", "..", "config"), filepath.Join(dir, ".git", "refs", "heads", "evil")); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadGitFile(r, "HEAD"); err != nil || string(b) != "ref: refs/heads/main\n" {
		t.Errorf("HEAD: %q %v", b, err)
	}
	if b, err := ReadGitFile(r, "refs/heads/main"); err != nil || !strings.HasPrefix(string(b), "0123456") {
		t.Errorf("ref: %q %v", b, err)
	}
	for name, want := range map[string]string{
		"config":               ".git/config: not a file floe reads",
		"refs/../config":       "not a file floe reads",
		"refs/heads/evil":      ".git/refs/heads/evil: a symlink; floe follows none inside .git",
		"refs/heads/../../x":   "not a file floe reads",
		"refs/.git/HEAD":       "not a file floe reads",
		"refs/heads/missing":   ".git/refs/heads/missing: no such file or directory",
		"objects/00/abcdef012": "not a file floe reads",
	} {
		if b, err := ReadGitFile(r, name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q %v, want %q", name, b, err, want)
		}
	}
	// a root without .git, and one whose .git is a link
	plain := t.TempDir()
	if _, err := ReadGitFile(mustRoot(t, plain), "HEAD"); !errors.Is(err, ErrNoGit) {
		t.Errorf("no .git: %v", err)
	}
	if err := os.Symlink(filepath.Join(dir, ".git"), filepath.Join(plain, ".git")); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadGitFile(mustRoot(t, plain), "HEAD"); err == nil || !strings.Contains(err.Error(), ".git is a file") {
		t.Errorf(".git link: %v", err)
	}
}
