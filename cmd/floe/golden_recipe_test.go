package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recipe is the README's golden recipe: the shell block after the golden-recipe marker,
// one command a line, comments dropped.
func recipe(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "<!-- golden-recipe:")
	if !ok {
		t.Fatal("README.md has no golden-recipe block")
	}
	_, block, _ := strings.Cut(after, "```sh\n")
	block, _, _ = strings.Cut(block, "```\n")
	var lines []string
	for _, l := range strings.Split(block, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestGoldenRecipe runs the README's golden recipe in a scratch git repository made with
// go-git: the goldens it writes and commits pass its check (and would not without the
// fixed image tag: committing moved HEAD); a real change to the product fails the check
// naming the stale file and the changed field, and so do a missing and an extra file.
func TestGoldenRecipe(t *testing.T) {
	noTerminal(t, false)
	steps := recipe(t)
	if len(steps) != 3 || !strings.HasPrefix(steps[0], "floe render --all ") || !strings.HasPrefix(steps[1], "git add rendered && git commit") ||
		!strings.Contains(steps[2], " --check rendered") || !strings.Contains(steps[0], "--image-tag ") {
		t.Fatalf("the recipe changed shape; update this test with it:\n%s", strings.Join(steps, "\n"))
	}
	root := demoRoot(t)
	repo := scratchRepo(t, root)
	commitAll(t, repo, "products")
	t.Chdir(root)
	floe := func(line string) (int, string, string) {
		t.Helper()
		return runFloe(strings.Fields(strings.TrimPrefix(line, "floe "))...)
	}

	if code, out, stderr := floe(steps[0]); code != 0 || out != "" {
		t.Fatalf("%s: exit %d, stdout %q\n%s", steps[0], code, out, stderr)
	}
	golden := filepath.Join(root, "rendered", "customer-360", "04-deployment-customer-360.yaml")
	if _, err := os.Stat(golden); err != nil {
		t.Fatalf("the recipe wrote no golden file: %v", err)
	}
	commitAll(t, repo, "rendered: goldens")

	if code, out, stderr := floe(steps[2]); code != 0 || out != "" {
		t.Fatalf("the check fails right after committing the goldens: exit %d\n%s\n%s", code, out, stderr)
	}
	// The reason for --image-tag: the tag read from HEAD moved with the commit.
	noTag := strings.Replace(steps[2], "--image-tag 0000000", "", 1)
	if code, out, _ := floe(noTag); code != 1 || !strings.Contains(out, "04-deployment-customer-360.yaml: stale") {
		t.Errorf("without the fixed tag the check should be stale after the commit: exit %d\n%s", code, out)
	}

	editFile(t, filepath.Join(root, "demo", "customer-360", "floe.yaml"), "    domain: retail\n", "    domain: retail-eu\n")
	code, out, stderr := floe(steps[2])
	if code != 1 || !strings.Contains(out, "~ customer-360/04-deployment-customer-360.yaml: stale\n") ||
		!strings.Contains(out, `~ metadata.labels["floe.dev/domain"]: "retail" → "retail-eu"`) ||
		!strings.Contains(stderr, "rendered is stale: 4 file(s) differ, 0 missing, 0 extra, of 4 rendered") {
		t.Fatalf("after a real change: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	editFile(t, filepath.Join(root, "demo", "customer-360", "floe.yaml"), "    domain: retail-eu\n", "    domain: retail\n")

	if err := os.Rename(golden, filepath.Join(root, "rendered", "customer-360", "09-old-thing.yaml")); err != nil {
		t.Fatal(err)
	}
	code, out, _ = floe(steps[2])
	if code != 1 || out != "+ customer-360/04-deployment-customer-360.yaml: missing (the render has it)\n- customer-360/09-old-thing.yaml: extra (not in the render)\n" {
		t.Errorf("missing and extra: exit %d\n%s", code, out)
	}
	if err := os.Rename(filepath.Join(root, "rendered", "customer-360", "09-old-thing.yaml"), golden); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := floe(steps[2]); code != 0 {
		t.Fatalf("restored: exit %d\n%s\n%s", code, out, stderr)
	}

	for _, tc := range []struct{ args, msg string }{
		{steps[2] + " -o elsewhere", "cannot be combined with --output"},
		{steps[2] + " --format json", "cannot be combined with --output or --format json"},
		{strings.Replace(steps[2], "--check rendered", "--check platform/pec-dev.yaml", 1), "is not a directory"},
	} {
		if code, out, stderr := floe(tc.args); code != 2 || out != "" || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q, want 2 and %q", tc.args, code, out, stderr, tc.msg)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "elsewhere")); err == nil {
		t.Error("--check wrote an output directory")
	}
}
