package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/golden"
)

const diffTag = "0123456789abcdef0123456789abcdef01234567"

func diffTestdata(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "diff", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func runFloeIn(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func noTerminal(t *testing.T, tty bool) {
	t.Helper()
	old := stdoutIsTerminal
	stdoutIsTerminal = func() bool { return tty }
	t.Cleanup(func() { stdoutIsTerminal = old })
}

func TestDiffFiles(t *testing.T) {
	noTerminal(t, false)
	from, to := diffTestdata(t, "from.yaml"), diffTestdata(t, "to.yaml")
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fromBytes, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	gdir := filepath.Join(golden.Dir(t), "diff")
	tests := []struct {
		name      string
		stdin     string
		args      []string
		code      int
		golden    string // whole stdout equals this golden file of the diff package
		stdout    string // else stdout contains this ("" = must be empty)
		stderrHas string
	}{
		{name: "text", args: []string{"--from", from, "--to", to}, code: 0, golden: "text.txt"},
		{name: "markdown", args: []string{"--from", from, "--to", to, "--format", "markdown"}, code: 0, golden: "markdown.md"},
		{name: "json", args: []string{"--from", from, "--to", to, "--format", "json"}, code: 0, golden: "result.json"},
		{name: "exit code when different", args: []string{"--from", from, "--to", to, "--exit-code"}, code: 1, golden: "text.txt", stderrHas: "floe: diff: the manifests differ"},
		{name: "exit code when equal", args: []string{"--from", from, "--to", from, "--exit-code"}, code: 0, golden: "equal.txt"},
		{name: "stdin", stdin: string(fromBytes), args: []string{"--from", "-", "--to", to, "--format", "json"}, code: 0, golden: "result.json"},
		{name: "invalid stream", args: []string{"--from", from, "--to", bad}, code: 2, stderrHas: bad + ":4:9: metadata.name: must be a string, got list"},
		{name: "missing file", args: []string{"--from", from, "--to", "/nonexistent/x.yaml"}, code: 2, stderrHas: "/nonexistent/x.yaml: no such file"},
		{name: "directory", args: []string{"--from", from, "--to", t.TempDir()}, code: 2, stderrHas: "is a directory"},
		{name: "from without to", args: []string{"--from", from}, code: 2, stderrHas: "--from and --to go together"},
		{name: "product with from/to", args: []string{"--from", from, "--to", to, "x"}, code: 2, stderrHas: "take no PRODUCT"},
		{name: "contract with from/to", args: []string{"--from", from, "--to", to, "--contract", "c.yaml"}, code: 2, stderrHas: "do not render"},
		{name: "both stdin", args: []string{"--from", "-", "--to", "-"}, code: 2, stderrHas: "only one of --from and --to"},
		{name: "bad format", args: []string{"--from", from, "--to", to, "--format", "yaml"}, code: 2, stderrHas: `diff: --format "yaml": want text, markdown or json`},
		{name: "unknown flag", args: []string{"--from", from, "--to", to, "--colour"}, code: 2, stderrHas: "unknown flag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runFloeIn(tc.stdin, append([]string{"diff"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			switch {
			case tc.golden != "":
				golden.Assert(t, filepath.Join(gdir, tc.golden), []byte(stdout))
			case tc.stdout == "" && stdout != "":
				t.Errorf("stdout not empty: %q", stdout)
			case !strings.Contains(stdout, tc.stdout):
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout)
			}
			if tc.stderrHas != "" && !strings.Contains(stderr, tc.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderrHas, stderr)
			}
		})
	}
}

func TestDiffColor(t *testing.T) {
	from, to := diffTestdata(t, "from.yaml"), diffTestdata(t, "to.yaml")
	tests := []struct {
		tty     bool
		noColor string
		format  string
		want    bool
	}{
		{tty: true, format: "text", want: true},
		{tty: false, format: "text", want: false},
		{tty: true, noColor: "1", format: "text", want: false},
		{tty: true, format: "markdown", want: false},
		{tty: true, format: "json", want: false},
	}
	for _, tc := range tests {
		noTerminal(t, tc.tty)
		t.Setenv("NO_COLOR", tc.noColor)
		_, stdout, _ := runFloe("diff", "--from", from, "--to", to, "--format", tc.format)
		if got := strings.Contains(stdout, "\x1b["); got != tc.want {
			t.Errorf("tty %v NO_COLOR %q %s: colour %v, want %v", tc.tty, tc.noColor, tc.format, got, tc.want)
		}
	}
}

// gitDemo is the demo tree as a git repository with one commit.
func gitDemo(t testing.TB) string {
	t.Helper()
	root := demoRoot(t)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	gitIn(t, root, "init", "-q", "-b", "main")
	gitIn(t, root, "add", "-A")
	gitIn(t, root, "commit", "-q", "-m", "base")
	return root
}

func gitIn(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func editFile(t testing.TB, p, old, new string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s does not contain %q", p, old)
	}
	if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDiffBase(t *testing.T) {
	noTerminal(t, false)
	root := gitDemo(t)
	product := filepath.Join(root, "demo", "customer-360")
	args := []string{"diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--image-tag", diffTag, "--base", "HEAD"}

	// Unchanged working tree: no differences.
	code, stdout, stderr := runFloe(append(args, "--exit-code", product)...)
	if code != 0 || !strings.HasPrefix(stdout, "no differences: ") {
		t.Fatalf("unchanged: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	unchanged := stdout

	// A change in the working tree (not committed) shows against HEAD, and nothing in
	// the repository is touched by reading HEAD.
	editFile(t, filepath.Join(product, "floe.yaml"), "    domain: retail\n", "    domain: retail-eu\n")
	status := gitIn(t, root, "status", "--porcelain")
	code, stdout, stderr = runFloe(append(args, "--exit-code", product)...)
	if code != 1 {
		t.Fatalf("changed: exit %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{
		`~ metadata.labels["floe.dev/domain"]: "retail" → "retail-eu"`,
		`~ spec.template.metadata.labels["floe.dev/domain"]: "retail" → "retail-eu"`,
		`(json).k8s.labels["floe.dev/domain"]: "retail" → "retail-eu"`,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "floe: diff: the renders differ") {
		t.Errorf("stderr: %s", stderr)
	}
	if after := gitIn(t, root, "status", "--porcelain"); after != status {
		t.Errorf("git status changed: %q → %q", status, after)
	}

	// After committing the change, HEAD~1 is the old side and HEAD the same as the tree.
	gitIn(t, root, "commit", "-q", "-am", "domain")
	code, stdout2, _ := runFloe(append([]string{"diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--image-tag", diffTag, "--base", "HEAD~1"}, product)...)
	if code != 0 || stdout2 != stdout {
		t.Errorf("HEAD~1 after commit: exit %d, same diff %v", code, stdout2 == stdout)
	}
	code, stdout3, _ := runFloe(append(args, product)...)
	if code != 0 || stdout3 != unchanged {
		t.Errorf("HEAD after commit: exit %d\n%s", code, stdout3)
	}

	// A product that does not exist at the base: every object is added.
	newProduct := filepath.Join(root, "demo", "customer-360-copy")
	if err := os.MkdirAll(newProduct, 0o755); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(product, "floe.yaml"))
	if err := os.WriteFile(filepath.Join(newProduct, "floe.yaml"), bytes.Replace(b, []byte("name: customer-360\n"), []byte("name: customer-361\n"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runFloe(append(args, "--format", "json", newProduct)...)
	if code != 0 || !strings.Contains(stdout, `"added": 4`) || !strings.Contains(stderr, "demo/customer-360-copy does not exist at HEAD: every object is new") {
		t.Errorf("new product: exit %d\nstdout: %.300s\nstderr: %s", code, stdout, stderr)
	}

	// Errors: exit 2 and nothing on stdout.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--image-tag", diffTag, "--base", "no-such-rev", product}, `git revision "no-such-rev": not a commit`},
		{[]string{"diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--image-tag", diffTag, product}, "exactly one of --base REV and --against-contract FILE"},
		{[]string{"diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--base", "HEAD", "--against-contract", "platform/pec-dev.yaml", product}, "exactly one of"},
		{[]string{"diff", "--root", root, "--base", "HEAD", product}, "--contract is required"},
		{[]string{"diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--base", "HEAD"}, "want one PRODUCT"},
		{[]string{"diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--base", "HEAD", "--runtime", "spark", product}, `--runtime "spark"`},
	} {
		code, stdout, stderr := runFloe(tc.args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args[1:], code, stdout, stderr, tc.want)
		}
	}
}

// TestDiffBaseRendersBaseInputs: a broken input at the base is reported (with the
// base named), while the same input fixed in the working tree renders.
func TestDiffBaseRendersBaseInputs(t *testing.T) {
	noTerminal(t, false)
	root := demoRoot(t)
	t.Setenv("HOME", t.TempDir())
	gitIn(t, root, "init", "-q", "-b", "main")
	product := filepath.Join(root, "demo", "customer-360")
	editFile(t, filepath.Join(product, "floe.yaml"), "    tier: gold\n    dependsOn", "    tier: platinum\n    dependsOn")
	gitIn(t, root, "add", "-A")
	gitIn(t, root, "commit", "-q", "-m", "broken")
	editFile(t, filepath.Join(product, "floe.yaml"), "    tier: platinum\n    dependsOn", "    tier: gold\n    dependsOn")
	code, stdout, stderr := runFloe("diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--image-tag", diffTag, "--base", "HEAD", product)
	if code != 2 || stdout != "" || !strings.Contains(stderr, "as of HEAD") || !strings.Contains(stderr, `demo/customer-360/floe.yaml:`) || !strings.Contains(stderr, `"platinum"`) {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

func TestDiffAgainstContract(t *testing.T) {
	noTerminal(t, false)
	root := demoRoot(t)
	product := filepath.Join(root, "demo", "customer-360")
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	other := filepath.Join(root, "platform", "pec-other.yaml")
	b, err := os.ReadFile(contract)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, b, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"diff", "--root", root, "--image-tag", diffTag, "--contract", other, "--against-contract", contract, "--format", "markdown", "--exit-code", product}
	code, stdout, stderr := runFloe(args...)
	if code != 0 || stdout != "### floe diff\n\nNo differences: 4 objects unchanged.\n" {
		t.Fatalf("same contract: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	editFile(t, other, "namespace: floe-dev", "namespace: floe-staging")
	code, stdout, stderr = runFloe(args...)
	if code != 1 {
		t.Fatalf("other namespace: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	// Moving namespace is a rename of every object (same content, new identity).
	if !strings.Contains(stdout, "**0 added, 0 removed, 0 changed, 4 renamed**") || !strings.Contains(stdout, "renamed from `floe-dev/customer-360`") {
		t.Errorf("markdown:\n%s", stdout)
	}
	code, _, stderr = runFloe("diff", "--root", root, "--image-tag", diffTag, "--contract", contract, "--against-contract", filepath.Join(root, "nope.yaml"), product)
	if code != 2 || !strings.Contains(stderr, "nope.yaml") {
		t.Errorf("missing contract: exit %d, stderr %s", code, stderr)
	}
}

func TestCheckRender(t *testing.T) {
	noTerminal(t, false)
	dir := t.TempDir()
	from, err := os.ReadFile(diffTestdata(t, "from.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	to, err := os.ReadFile(diffTestdata(t, "to.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	reformatted := bytes.Replace(from, []byte("  replicas: 1\n"), []byte("  replicas: 0x1\n"), 1)
	tests := []struct {
		name      string
		file      string
		code      int
		stdoutHas string
		errHas    string
	}{
		{"up to date", write("same.yaml", from), 0, "", ""},
		{"stale", write("stale.yaml", to), 1, "~ spec.replicas: 2 → 1", "stale.yaml is stale"},
		{"same objects, other bytes", write("fmt.yaml", reformatted), 1, "", "same objects but not in floe's canonical form"},
		{"missing", filepath.Join(dir, "none.yaml"), 1, "", "none.yaml does not exist"},
		{"not a stream", write("junk.yaml", []byte("- [\n")), 1, "", "junk.yaml is not a manifest stream"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := checkRender(&streams{In: strings.NewReader(""), Out: &out, Err: &errb}, tc.file, from)
			if got := exitCode(err); got != tc.code {
				t.Fatalf("exit %d, want %d (%v)", got, tc.code, err)
			}
			if tc.stdoutHas == "" && out.Len() > 0 {
				t.Errorf("stdout: %s", out.String())
			}
			if !strings.Contains(out.String(), tc.stdoutHas) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdoutHas, out.String())
			}
			if tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas)) {
				t.Errorf("error %v, want %q", err, tc.errHas)
			}
		})
	}
}

// TestDiffBaseCronAndVersion: a data engineer's change of schedule and version shows as
// field paths between the git base and the work tree, on both runtimes; --exit-code
// answers 1 when different and 0 when not.
func TestDiffBaseCronAndVersion(t *testing.T) {
	noTerminal(t, false)
	root := gitDemo(t)
	product := filepath.Join(root, "demo", "customer-360")
	editFile(t, filepath.Join(product, "floe.yaml"), `  cron: "*/10 * * * *"`, `  cron: "0 6 * * *"`)
	editFile(t, filepath.Join(product, "floe.yaml"), "  version: 1.0.0\n", "  version: 1.1.0\n")
	for runtime, wants := range map[string][]string{
		"floe-jobs": {
			`~ spec.schedule: "*/10 * * * *" → "0 6 * * *"`,
			`~ metadata.labels["app.kubernetes.io/version"]: "1.0.0" → "1.1.0"`,
			`env[name=OTEL_RESOURCE_ATTRIBUTES].value: "service.version=1.0.0,`,
		},
		"dagster": {
			`~ metadata.annotations["floe.dev/schedule"]: "*/10 * * * *" → "0 6 * * *"`,
			`~ metadata.labels["app.kubernetes.io/version"]: "1.0.0" → "1.1.0"`,
		},
	} {
		args := []string{"diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--image-tag", diffTag, "--runtime", runtime, "--base", "HEAD", "--exit-code", product}
		code, stdout, stderr := runFloe(args...)
		if code != 1 {
			t.Fatalf("%s: exit %d, want 1\nstdout: %s\nstderr: %s", runtime, code, stdout, stderr)
		}
		for _, want := range wants {
			if !strings.Contains(stdout, want) {
				t.Errorf("%s: stdout lacks %q:\n%s", runtime, want, stdout)
			}
		}
	}
	gitIn(t, root, "commit", "-q", "-am", "schedule and version")
	code, stdout, stderr := runFloe("diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--image-tag", diffTag, "--base", "HEAD", "--exit-code", product)
	if code != 0 {
		t.Errorf("after commit: exit %d, want 0\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

// BenchmarkDiffBase is one product's `floe diff --base HEAD` in process: two renders
// (the work tree and the revision read through git) and the comparison.
func BenchmarkDiffBase(b *testing.B) {
	root := gitDemo(b)
	product := filepath.Join(root, "demo", "customer-360")
	editFile(b, filepath.Join(product, "floe.yaml"), `  cron: "*/10 * * * *"`, `  cron: "0 6 * * *"`)
	b.ResetTimer()
	for range b.N {
		if code, _, stderr := runFloe("diff", "--root", root, "--contract", "platform/pec-dev.yaml", "--image-tag", diffTag, "--base", "HEAD", product); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr)
		}
	}
}
