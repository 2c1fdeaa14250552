package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffBaseStartsNoProcess: `floe diff --base` reads the base revision without
// running git. The repository is built with the real git; then a fake git that
// writes a marker is the only program on PATH, and the diff still reads HEAD~1.
func TestDiffBaseStartsNoProcess(t *testing.T) {
	noTerminal(t, false)
	root := gitDemo(t)
	product := filepath.Join(root, "demo", "customer-360")
	editFile(t, filepath.Join(product, "floe.yaml"), "    domain: retail\n", "    domain: retail-eu\n")
	gitIn(t, root, "commit", "-q", "-am", "domain")
	gitIn(t, root, "gc", "-q") // the base is read from a packfile

	bin := t.TempDir()
	marker := filepath.Join(t.TempDir(), "git-ran")
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte("#!/bin/sh\necho \"$@\" >> "+marker+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)

	code, stdout, stderr := runFloe("diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--image-tag", diffTag, "--base", "HEAD~1", "--exit-code", product)
	if code != 1 || !strings.Contains(stdout, `~ metadata.labels["floe.dev/domain"]: "retail" → "retail-eu"`) {
		t.Errorf("exit %d, want 1 and the domain change\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if b, err := os.ReadFile(marker); err == nil {
		t.Fatalf("floe ran git: %s", b)
	}
	exec.Command("git", "status").Run() // the fake is what "git" names: the check above can fail
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("the fake git did not run when called: %v", err)
	}
}
