package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/internal/gittest"
)

// TestRenderInLinkedWorktree: `floe render` with no --image-tag and no
// ARGOCD_APP_REVISION, run on a linked worktree (its .git a file naming the main
// repository's worktrees/ directory, built with go-git), tags the image with the commit
// the worktree's HEAD names (D-RND-12), not the main checkout's.
func TestRenderInLinkedWorktree(t *testing.T) {
	t.Setenv("ARGOCD_APP_REVISION", "")
	main := gittest.Init(t, filepath.Join(t.TempDir(), "main"))
	feature := main.Commit(map[string]string{"README": "feature\n"})
	mainHead := main.Commit(map[string]string{"README": "main\n"})
	main.Branch("feature", feature)
	worktree := demoRoot(t)
	main.LinkedWorktree(worktree, "feature", "ref: refs/heads/feature")

	args := []string{"render", "--root", worktree, "--contract", filepath.Join(worktree, "platform", "pec-dev.yaml"),
		filepath.Join(worktree, "demo", "customer-360")}
	code, stdout, stderr := runFloe(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, ":"+feature[:12]+"\n") {
		t.Errorf("the image is not tagged with the worktree's commit %s", feature[:12])
	}
	if strings.Contains(stdout, mainHead[:12]) {
		t.Errorf("the image is tagged with the main checkout's commit %s", mainHead[:12])
	}
}
