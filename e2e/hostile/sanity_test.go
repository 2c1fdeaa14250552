package hostile_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSanityBaseRendersThroughEveryDoor proves the harness: the untouched base
// repository succeeds through every door, inside the bounds, with no request and no
// process, so that a refusal in the other tests is the hostile part's doing.
func TestSanityBaseRendersThroughEveryDoor(t *testing.T) {
	for _, d := range allDoors {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s, r := newSandbox(t), newRepo(t)
			res := s.run(r.through(d, via{}))
			if res.code != 0 {
				t.Fatalf("exit %d, want 0; stderr: %s", res.code, excerpt(res.stderr))
			}
			if d != doorDiff && res.stdoutBytes == 0 {
				t.Errorf("no output")
			}
		})
	}
}

// TestSanityDiffBaseReadsHistoryWithoutGit: `floe diff --base REV` (one product, and
// --all) reads an earlier commit of the repository; like every other door it must do
// so without starting a process (the fake git on PATH leaves a marker if it is run).
func TestSanityDiffBaseReadsHistoryWithoutGit(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"one product", []string{"diff", "--root", ".", "--contract", contractFile, "--base", "HEAD", "--image-tag", imageTag, productDir}},
		{"--all", []string{"diff", "--root", ".", "--contract", contractFile, "--base", "HEAD", "--image-tag", imageTag, "--all", "demo", "--format", "markdown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diffBaseWithoutGit(t, tc.args)
		})
	}
}

// diffBaseWithoutGit commits the repository with the real git, changes the product and
// runs args (a diff against HEAD) with the sandbox's fake git on PATH.
func diffBaseWithoutGit(t *testing.T, args []string) {
	if realGit == "" {
		t.Fatal("the suite builds the history fixture with git, and there is none on PATH")
	}
	t.Parallel()
	s, r := newSandbox(t), newRepo(t)
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A"},
		{"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base"},
	} {
		cmd := exec.Command(realGit, args...)
		cmd.Dir = r.dir
		cmd.Env = []string{"HOME=" + s.home, "GIT_CONFIG_NOSYSTEM=1"}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	r.replace(productFile, "tier: gold\n", "tier: platinum\n")
	res := s.run(invocation{dir: r.dir, args: args})
	if res.code != 0 {
		t.Fatalf("exit %d, want 0; stderr: %s", res.code, excerpt(res.stderr))
	}
	if !strings.Contains(string(res.stdout), "platinum") {
		t.Errorf("the diff does not show the change: %s", excerpt(res.stdout))
	}
}
