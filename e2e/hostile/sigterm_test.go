package hostile_test

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// slowBundle is a legal policy bundle that takes a few seconds to evaluate: what a
// heavy platform rule costs, not an attack.
const slowBundle = `package floe.heavy

import rego.v1

rules["ACME-HEAVY-01"] := {"title": "heavy", "severity": "warn", "remediation": "none"}

violation contains {"rule": "ACME-HEAVY-01", "i": 0, "msg": "never"} if {
	some i in numbers.range(1, 6000)
	some j in numbers.range(1, 6000)
	i * j == -1
}
`

// TestSIGTERMEndsEveryCommandPromptly: SIGTERM sent while a command works ends it
// within a second, non-zero, with nothing on stdout, no file in -o DIR or beside it and
// no temporary file left behind.
func TestSIGTERMEndsEveryCommandPromptly(t *testing.T) {
	cases := []struct {
		name string
		// setup prepares a slow or blocking invocation; out is its -o DIR ("" = none).
		setup func(t *testing.T, s *sandbox, r *repo) (inv invocation, out string)
	}{
		{"render-all-to-dir", func(t *testing.T, s *sandbox, r *repo) (invocation, string) {
			for i := range 600 {
				r.write(fmt.Sprintf("demo/batch/p%03d/floe.yaml", i),
					strings.Replace(strings.Replace(r.read(productFile), "name: customer-360", fmt.Sprintf("name: product-%03d", i), 1),
						`manifest: "../manifest.yaml"`, `manifest: "../../manifest.yaml"`, 1))
			}
			out := filepath.Join(t.TempDir(), "out", "rendered")
			return invocation{dir: r.dir, args: []string{"render", "--root", ".", "--contract", contractFile,
				"--image-tag", imageTag, "--all", "demo/batch", "-o", out}}, out
		}},
		{"render-to-dir", func(t *testing.T, s *sandbox, r *repo) (invocation, string) {
			r.bundle("heavy.rego", slowBundle)
			out := filepath.Join(t.TempDir(), "out", "rendered")
			return r.through(doorRender, via{args: []string{"-o", out}}), out
		}},
		{"render-to-stdout", func(t *testing.T, s *sandbox, r *repo) (invocation, string) {
			r.bundle("heavy.rego", slowBundle)
			return r.through(doorRender, via{}), ""
		}},
		{"argocd-generate", func(t *testing.T, s *sandbox, r *repo) (invocation, string) {
			r.bundle("heavy.rego", slowBundle)
			return r.through(doorArgoCD, via{}), ""
		}},
		{"diff", func(t *testing.T, s *sandbox, r *repo) (invocation, string) {
			r.bundle("heavy.rego", slowBundle)
			return r.through(doorDiff, via{}), ""
		}},
		{"check-stdin-never-closes", func(t *testing.T, s *sandbox, r *repo) (invocation, string) {
			return r.through(doorCheck, via{stdin: openStdin(t)}), ""
		}},
		{"post-render-stdin-never-closes", func(t *testing.T, s *sandbox, r *repo) (invocation, string) {
			// The diagnostics log is kept out of TMPDIR, which must stay empty.
			return r.through(doorPostRender, via{stdin: openStdin(t),
				env: []string{"FLOE_POST_RENDER_LOG=" + filepath.Join(t.TempDir(), "post-render.log")}}), ""
		}},
		{"post-render-slow-gate", func(t *testing.T, s *sandbox, r *repo) (invocation, string) {
			r.bundle("heavy.rego", slowBundle)
			return r.through(doorPostRender, via{
				env: []string{"FLOE_POST_RENDER_LOG=" + filepath.Join(t.TempDir(), "post-render.log")}}), ""
		}},
		{"check-slow-gate", func(t *testing.T, s *sandbox, r *repo) (invocation, string) {
			r.bundle("heavy.rego", slowBundle)
			return r.through(doorCheck, via{}), ""
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, r := newSandbox(t), newRepo(t)
			inv, out := c.setup(t, s, r)
			inv.terminateAfter = 500 * time.Millisecond
			var outParent []string
			if out != "" {
				if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
					t.Fatal(err)
				}
				outParent = listTree(t, filepath.Dir(out))
			}
			repoBefore := listTree(t, r.dir)
			res := s.run(inv)
			if !res.termDelivered {
				t.Fatalf("floe finished (exit %d) before SIGTERM: the input is not slow enough to test it", res.code)
			}
			t.Logf("exit %d %v after SIGTERM; stderr: %s", res.code, res.afterTerm.Round(time.Millisecond), shortExcerpt(res.stderr))
			if res.afterTerm > termDeadline {
				t.Errorf("floe took %v to end after SIGTERM, want under %v", res.afterTerm.Round(time.Millisecond), termDeadline)
			}
			if res.code == 0 {
				t.Errorf("exit 0 after SIGTERM, want non-zero")
			}
			if res.stdoutBytes != 0 {
				t.Errorf("stdout has %d bytes after SIGTERM, want none: %s", res.stdoutBytes, shortExcerpt(res.stdout))
			}
			if out != "" {
				if after := listTree(t, filepath.Dir(out)); !slices.Equal(after, outParent) {
					t.Errorf("-o DIR and its parent hold files after SIGTERM: %v", after)
				}
			}
			if after := listTree(t, r.dir); !slices.Equal(after, repoBefore) {
				t.Errorf("the repository changed: %v", diffNames(repoBefore, after))
			}
			if left := listTree(t, s.tmp); len(left) != 0 {
				t.Errorf("temporary files left in TMPDIR: %v", left)
			}
		})
	}
}

// openStdin is a stdin that stays open and empty until the test ends.
func openStdin(t *testing.T) func() io.Reader {
	return func() io.Reader {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pw.Close(); pr.Close() })
		return pr
	}
}

// listTree lists every path under dir (relative, sorted); none when dir is missing.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// diffNames lists what appeared in after and not in before, and the reverse.
func diffNames(before, after []string) []string {
	var out []string
	for _, a := range after {
		if !slices.Contains(before, a) {
			out = append(out, "+"+a)
		}
	}
	for _, b := range before {
		if !slices.Contains(after, b) {
			out = append(out, "-"+b)
		}
	}
	return out
}
