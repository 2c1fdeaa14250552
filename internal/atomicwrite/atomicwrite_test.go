package atomicwrite

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// entries lists dir's names, to show no temporary name is left behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestWriteFileReplacesSymlink: a symlink planted at the target is replaced, its target
// left untouched.
func TestWriteFileReplacesSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "out.yaml")
	if err := os.Symlink(victim, target); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := read(t, victim); got != "keep\n" {
		t.Errorf("victim = %q", got)
	}
	if st, err := os.Lstat(target); err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != 0o644 {
		t.Errorf("target: %v %v", st, err)
	}
	if got := read(t, target); got != "new\n" {
		t.Errorf("target = %q", got)
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"out.yaml", "victim"}) {
		t.Errorf("left behind: %v", got)
	}
}

func TestWriteFileFails(t *testing.T) {
	dir := t.TempDir()
	err := WriteFile(filepath.Join(dir, "missing", "out.yaml"), []byte("x"), 0o644)
	want := filepath.Join(dir, "missing", "out.yaml") + ": no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// TestDirAllOrNothing: a write failing halfway leaves the target as it was and no
// staging directory behind; the error names the user's path.
func TestDirAllOrNothing(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "out")
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "old.yaml"), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, second := range map[string]string{
		"a file where a directory is needed": "a.yaml/b.yaml",
		"the same file twice":                "a.yaml",
		"outside the directory":              "../escape.yaml",
	} {
		t.Run(name, func(t *testing.T) {
			d, err := StageDir(target)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Write("a.yaml", []byte("a\n")); err != nil {
				t.Fatal(err)
			}
			err = d.Write(second, []byte("b\n"))
			if err == nil {
				t.Fatal("second write succeeded")
			}
			if !strings.HasPrefix(err.Error(), filepath.Join(target, filepath.FromSlash(second))+":") || strings.Contains(err.Error(), ".floe-new-") {
				t.Errorf("error %q does not name the user's path alone", err)
			}
			d.Abort()
			if got := entries(t, parent); !slices.Equal(got, []string{"out"}) {
				t.Errorf("parent holds %v", got)
			}
			if got := entries(t, target); !slices.Equal(got, []string{"old.yaml"}) {
				t.Errorf("target holds %v", got)
			}
			if len(Staged()) != 0 {
				t.Errorf("registry: %v", Staged())
			}
		})
	}
}

func TestDirCommit(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "out")
	for round, files := range [][]string{{"a.yaml", "sub/b.yaml"}, {"c.yaml"}} {
		d, err := StageDir(target)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := d.Write(f, []byte(f)); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Commit(); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	if got := entries(t, target); !slices.Equal(got, []string{"c.yaml"}) {
		t.Errorf("target holds %v", got)
	}
	if got := entries(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("parent holds %v", got)
	}
	// a symlink at the target is not written through
	elsewhere := t.TempDir()
	link := filepath.Join(parent, "link")
	if err := os.Symlink(elsewhere, link); err != nil {
		t.Fatal(err)
	}
	d, err := StageDir(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Write("x.yaml", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); err == nil || err.Error() != link+": exists and is not a directory" {
		t.Errorf("got %v", err)
	}
	if got := entries(t, elsewhere); len(got) != 0 {
		t.Errorf("wrote through the link: %v", got)
	}
	if got := entries(t, parent); !slices.Equal(got, []string{"link", "out"}) {
		t.Errorf("parent holds %v", got)
	}
}

// TestRemoveStaged: what a signal interrupts is removed by RemoveStaged.
func TestRemoveStaged(t *testing.T) {
	parent := t.TempDir()
	d, err := StageDir(filepath.Join(parent, "out"))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Write("a.yaml", []byte("a")); err != nil {
		t.Fatal(err)
	}
	f, err := StageFile(filepath.Join(parent, "evidence.json"), []byte("{}"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if len(Staged()) != 2 {
		t.Fatalf("registry: %v", Staged())
	}
	RemoveStaged()
	if got := entries(t, parent); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
	f.Abort()
	d.Abort()
}
