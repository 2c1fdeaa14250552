package hostile_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPostRenderLogNeverFollowsASymlink: post-render keeps its diagnostics in
// $TMPDIR/floe-post-render.log (Helm 4 drops a plugin's stderr). Another user of a
// shared TMPDIR can plant a symlink there, at the file or at a directory floe might use;
// floe must not write through it: the file it points to stays as it was, and nothing
// appears in a directory it points to.
func TestPostRenderLogNeverFollowsASymlink(t *testing.T) {
	const precious = "precious: do not overwrite\n"
	cases := []struct {
		name string
		// plant makes the symlinks in tmp pointing into victim (a directory holding
		// victim.txt).
		plant   func(t *testing.T, tmp, victim string)
		stdin   string
		failing bool
	}{
		{name: "symlink-to-a-file/failing", failing: true, stdin: "apiVersion: v1\nkind: [unclosed\n",
			plant: func(t *testing.T, tmp, victim string) {
				mustSymlink(t, filepath.Join(victim, "victim.txt"), filepath.Join(tmp, "floe-post-render.log"))
			}},
		{name: "symlink-to-a-file/succeeding",
			plant: func(t *testing.T, tmp, victim string) {
				mustSymlink(t, filepath.Join(victim, "victim.txt"), filepath.Join(tmp, "floe-post-render.log"))
			}},
		{name: "dangling-symlink/failing", failing: true, stdin: "apiVersion: v1\nkind: [unclosed\n",
			plant: func(t *testing.T, tmp, victim string) {
				mustSymlink(t, filepath.Join(victim, "created-by-floe.txt"), filepath.Join(tmp, "floe-post-render.log"))
			}},
		{name: "symlinked-directories/failing", failing: true, stdin: "apiVersion: v1\nkind: [unclosed\n",
			plant: func(t *testing.T, tmp, victim string) {
				// Directories floe could keep its diagnostics in.
				for _, d := range []string{"floe", "floe-post-render", ".floe", "floe-" + currentUID()} {
					mustSymlink(t, victim, filepath.Join(tmp, d))
				}
				mustSymlink(t, filepath.Join(victim, "victim.txt"), filepath.Join(tmp, "floe-post-render.log"))
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, r := newSandbox(t), newRepo(t)
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.MkdirAll(victim, 0o755); err != nil {
				t.Fatal(err)
			}
			victimFile := filepath.Join(victim, "victim.txt")
			if err := os.WriteFile(victimFile, []byte(precious), 0o644); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-time.Hour)
			if err := os.Chtimes(victimFile, old, old); err != nil {
				t.Fatal(err)
			}
			c.plant(t, s.tmp, victim)
			v := via{} // the base stream: a post-render that succeeds
			if c.stdin != "" {
				v.stdin = text(c.stdin)
			}
			res := s.run(r.through(doorPostRender, v))
			if c.failing {
				assertRefused(t, res, "stdin")
			} else if res.code != 0 {
				t.Errorf("exit %d, want 0; stderr: %s", res.code, excerpt(res.stderr))
			}
			b, err := os.ReadFile(victimFile)
			if err != nil || string(b) != precious {
				t.Errorf("the file behind the symlink was changed: %q, %v", b, err)
			}
			if st, err := os.Stat(victimFile); err == nil && !st.ModTime().Equal(old) {
				t.Errorf("the file behind the symlink was written (mtime %v)", st.ModTime())
			}
			entries, _ := os.ReadDir(victim)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, []string{"victim.txt"}) {
				t.Errorf("floe wrote into the directory behind a symlink: %s", strings.Join(names, ", "))
			}
		})
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func currentUID() string { return strconv.Itoa(os.Getuid()) }
