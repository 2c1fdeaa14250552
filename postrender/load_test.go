package postrender

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readString(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWriteLogDefault: the default log lives in floe's own 0700 directory under $TMPDIR.
func TestWriteLogDefault(t *testing.T) {
	tmp := t.TempDir()
	p := LogPath(func(k string) string { return map[string]string{"TMPDIR": tmp}[k] })
	if want := filepath.Join(tmp, privateDirName(), "post-render.log"); p != want {
		t.Fatalf("LogPath = %s, want %s", p, want)
	}
	if err := WriteLog(p, "boom"); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, p); got != "boom\n" {
		t.Errorf("log = %q", got)
	}
	st, err := os.Lstat(filepath.Dir(p))
	if err != nil || !st.IsDir() || st.Mode().Perm() != 0o700 {
		t.Errorf("directory: %v %v", st.Mode(), err)
	}
	if st, err := os.Lstat(p); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("log mode: %v %v", st.Mode(), err)
	}
	if err := WriteLog(p, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(p); !os.IsNotExist(err) {
		t.Errorf("stale log kept: %v", err)
	}
}

// TestWriteLogPlanted: a symlink planted at the log or at floe's directory is never
// written through; its target is left untouched.
func TestWriteLogPlanted(t *testing.T) {
	victimFile := func(t *testing.T) string {
		p := filepath.Join(t.TempDir(), "victim")
		if err := os.WriteFile(p, []byte("keep\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("link at the log", func(t *testing.T) {
		tmp, victim := t.TempDir(), victimFile(t)
		dir := filepath.Join(tmp, privateDirName())
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "post-render.log")
		if err := os.Symlink(victim, p); err != nil {
			t.Fatal(err)
		}
		if err := WriteLog(p, "boom"); err != nil {
			t.Fatal(err)
		}
		if got := readString(t, victim); got != "keep\n" {
			t.Errorf("victim = %q", got)
		}
		if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
			t.Errorf("log is not a plain file: %v %v", st, err)
		}
	})
	t.Run("explicit path is a link", func(t *testing.T) {
		victim := victimFile(t)
		p := filepath.Join(t.TempDir(), "pr.log")
		if err := os.Symlink(victim, p); err != nil {
			t.Fatal(err)
		}
		if err := WriteLog(p, "boom"); err != nil {
			t.Fatal(err)
		}
		if got := readString(t, victim); got != "keep\n" {
			t.Errorf("victim = %q", got)
		}
		if got := readString(t, p); got != "boom\n" {
			t.Errorf("log = %q", got)
		}
		if err := WriteLog(p, ""); err != nil {
			t.Fatal(err)
		}
		if got := readString(t, victim); got != "keep\n" {
			t.Errorf("removing the log removed the victim: %q", got)
		}
	})
	for name, plant := range map[string]func(t *testing.T, dir, victimDir string){
		"link at the directory": func(t *testing.T, dir, victimDir string) {
			if err := os.Symlink(victimDir, dir); err != nil {
				t.Fatal(err)
			}
		},
		"directory open to others": func(t *testing.T, dir, _ string) {
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o777); err != nil {
				t.Fatal(err)
			}
		},
		"a file": func(t *testing.T, dir, _ string) {
			if err := os.WriteFile(dir, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			tmp, victimDir := t.TempDir(), t.TempDir()
			dir := filepath.Join(tmp, privateDirName())
			plant(t, dir, victimDir)
			err := WriteLog(filepath.Join(dir, "post-render.log"), "boom")
			if err == nil || !strings.Contains(err.Error(), dir) {
				t.Errorf("got %v, want a refusal naming %s", err, dir)
			}
			if ents, _ := os.ReadDir(victimDir); len(ents) != 0 {
				t.Errorf("wrote into the link's target: %v", ents)
			}
		})
	}
}
