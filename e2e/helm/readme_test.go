package helm_test

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/internal/gittest"
)

// snippet is one fenced block of README.md.
type snippet struct {
	line       int    // the line of its opening fence
	lang, body string // the fence's language and the text inside, de-indented
}

// readmeSnippets extracts the fenced blocks of a Markdown file, also those indented
// under a list item.
func readmeSnippets(t *testing.T, p string) []snippet {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []snippet
	var cur *snippet
	indent := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		trimmed := strings.TrimLeft(l, " ")
		if strings.HasPrefix(trimmed, "```") {
			if cur == nil {
				indent = l[:len(l)-len(trimmed)]
				cur = &snippet{line: n, lang: strings.TrimPrefix(trimmed, "```")}
			} else {
				out = append(out, *cur)
				cur = nil
			}
			continue
		}
		if cur != nil {
			cur.body += strings.TrimPrefix(l, indent) + "\n"
		}
	}
	if err := sc.Err(); err != nil { // a line past the scanner's buffer would end the scan early
		t.Fatalf("%s: %v", p, err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: unclosed fence", p, cur.line)
	}
	return out
}

// readmeNotRun are the README's shell snippets that cannot run here, by their first
// line, with the reason; they are only checked to be there (so the list stays honest).
var readmeNotRun = map[string]string{
	"make demo   # renders the bundled demo product (customer-360, Dagster path) end to end": "runs the whole build and `make test`, which runs this test",
	"# once, and with every intended change: write the goldens and commit them":              "the golden recipe: cmd/floe TestGoldenRecipe runs it in a scratch git repository, where it must pass and then fail after a change",
}

// readmeNotYAML are fenced blocks without a language that are not YAML either.
var readmeNotYAML = map[string]string{
	"floe validate    [--contract FILE] [--root DIR] [--output text|json] PRODUCT": "the command synopsis, not a program",
}

// TestREADME runs every shell snippet of README.md with the real floe and helm CLIs,
// each in its own scratch directory holding what the snippets name (a copy of the
// examples; for helm snippets also a platform contract, products, Dagster's chart at
// dagster/dagster and the platform's values for it; for `floe workspace` a repository
// with a product), and parses every YAML snippet (CI workflows, Argo CD and kustomize
// files, contract excerpts cannot run here). A helm snippet runs with the Helm its
// first line names (`# Helm 4…`: helm 4, else helm 3) as `helm` on PATH.
func TestREADME(t *testing.T) {
	repo := repoRoot(t)
	snippets := readmeSnippets(t, filepath.Join(repo, "README.md"))
	floe := floeBinary(t)
	ran := 0
	seen := map[string]bool{}
	for _, s := range snippets {
		first, _, _ := strings.Cut(s.body, "\n")
		seen[first] = true
		switch s.lang {
		case "sh":
			if _, skip := readmeNotRun[first]; skip {
				continue
			}
			ran++
			t.Run(strings.ReplaceAll(first, "/", "_"), func(t *testing.T) { runSnippet(t, repo, floe, s) })
		case "console": // a transcript: "$ floe ARGS" from the repository's top, then its output
			ran++
			t.Run(strings.ReplaceAll(first, "/", "_"), func(t *testing.T) { runTranscript(t, repo, floe, s) })
		case "yaml", "":
			if _, skip := readmeNotYAML[first]; skip {
				continue
			}
			dec := yaml.NewDecoder(strings.NewReader(s.body))
			for {
				var v any
				err := dec.Decode(&v)
				if err != nil {
					if err.Error() != "EOF" {
						t.Errorf("README.md:%d: YAML snippet does not parse: %v\n%s", s.line, err, s.body)
					}
					break
				}
			}
		default:
			t.Errorf("README.md:%d: fence language %q: the test runs sh and console and parses yaml; add it here", s.line, s.lang)
		}
	}
	for first := range readmeNotRun {
		if !seen[first] {
			t.Errorf("readmeNotRun lists %q, which README.md no longer has", first)
		}
	}
	for first := range readmeNotYAML {
		if !seen[first] {
			t.Errorf("readmeNotYAML lists %q, which README.md no longer has", first)
		}
	}
	if ran < 5 {
		t.Errorf("ran %d shell snippets; README.md has more", ran)
	}
}

// runSnippet runs one shell snippet with bash -euo pipefail in a scratch directory.
func runSnippet(t *testing.T, repo, floe string, s snippet) {
	dir := t.TempDir()
	scratch := filepath.Join(dir, "work")
	copyTree(t, filepath.Join(repo, "examples"), filepath.Join(scratch, "examples"))
	if strings.Contains(s.body, "helm template") || strings.Contains(s.body, "helm env") {
		readmeRelease(t, repo, scratch)
	}
	if strings.Contains(s.body, "floe workspace") {
		readmeProducts(t, floe, scratch)
	}
	if strings.Contains(s.body, "floe diff --all") {
		readmeReview(t, repo, scratch)
	}
	helm := "helm3"
	if strings.HasPrefix(s.body, "# Helm 4") {
		helm = "helm4"
	}
	bin := filepath.Join(dir, "bin")
	for name, target := range map[string]string{"floe": floe, "helm": tool(t, helm)} {
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(dir, "home")
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", s.body)
	cmd.Dir = scratch
	cmd.Env = []string{
		"PATH=" + bin + string(os.PathListSeparator) + "/usr/bin:/bin",
		"HOME=" + home, "TMPDIR=" + dir,
		"HELM_CACHE_HOME=" + filepath.Join(home, "cache"), "HELM_CONFIG_HOME=" + filepath.Join(home, "config"),
		"HELM_DATA_HOME=" + filepath.Join(home, "data"), "HELM_PLUGINS=" + filepath.Join(home, "plugins"),
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("README.md:%d: %v\n%s\nstdout:\n%s\nstderr:\n%s", s.line, err, s.body, out.String(), errb.String())
	}
	if strings.Contains(s.body, "floe diff --all") {
		for _, want := range []string{"<!-- floe-diff -->", "<code>products/orders/floe.yaml</code> changed", "1 unaffected"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("README.md:%d: the review comment lacks %q:\n%s", s.line, want, out.String())
			}
		}
	}
	if strings.Contains(s.body, "helm template") {
		for _, want := range []string{"floe.dev/product: orders", "floe.dev/platform-component: dagster-webserver"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("README.md:%d: the post-rendered release lacks %q:\n%s", s.line, want, out.String())
			}
		}
	}
}

// readmeRelease fills dir with what the README's helm snippets name:
// platform/pec-dev.yaml (the strict platform contract of testdata/root) with
// demo/manifest.yaml, products/orders and products/marketing,
// dagster/dagster (the Dagster-shaped test chart standing in for Dagster's chart
// repository: helm takes a local directory of that name first) and
// platform/dagster-values.yaml (the chart's hardened values with those two code
// locations).
func readmeRelease(t *testing.T, repo, dir string) {
	t.Helper()
	copyTree(t, filepath.Join(repo, platformChart), filepath.Join(dir, "dagster", "dagster"))
	for dst, src := range map[string]string{"platform/pec-dev.yaml": "platform/pec-platform.yaml", "demo/manifest.yaml": "demo/manifest.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "root", src))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, dst), string(b))
	}
	hardened, err := os.ReadFile(filepath.Join(repo, platformChart, "ci", "hardened-values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var locations strings.Builder
	locations.WriteString("  deployments:\n")
	for _, name := range []string{"orders", "marketing"} {
		writeFile(t, filepath.Join(dir, "products", name, "floe.yaml"), `apiVersion: floe.dev/v1
kind: FloeSpec
metadata:
  name: `+name+`
  version: 0.1.0
  description: A code location of the platform release.
  owner: data-engineering@example.com
platform:
  manifest: "../../demo/manifest.yaml"
transforms:
  - name: stg_`+name+`
`)
		locations.WriteString(`    - name: ` + name + `
      image: {repository: registry.example.com/data-products/` + name + `, tag: "0123456789ab", pullPolicy: IfNotPresent}
      dagsterApiGrpcArgs: ["-m", "` + name + `.definitions"]
      port: 3030
      podSecurityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: {type: RuntimeDefault}}
      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000, capabilities: {drop: [ALL]}}
      resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: 500m, memory: 512Mi}}
      volumes: [{name: tmp, emptyDir: {}}, {name: dagster-home, emptyDir: {}}]
      volumeMounts: [{name: tmp, mountPath: /tmp}, {name: dagster-home, mountPath: /opt/dagster/dagster_home}]
`)
	}
	values := strings.Replace(string(hardened), "  deployments: []\n", locations.String(), 1)
	if values == string(hardened) {
		t.Fatal("hardened-values.yaml has no `  deployments: []` line to fill in")
	}
	writeFile(t, filepath.Join(dir, "platform", "dagster-values.yaml"), values)
}

// readmeProducts makes dir the repository the README's `floe workspace` snippet runs
// in: what the "Starting out" snippet writes (`floe init contract platform`, `floe init
// product products/orders`), committed (HEAD gives the image tag).
func readmeProducts(t *testing.T, floe, dir string) {
	t.Helper()
	for _, args := range [][]string{{"init", "contract", "platform"}, {"init", "product", "products/orders"}} {
		cmd := exec.Command(floe, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("floe %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	gittest.Init(t, dir).Commit(nil)
}

// readmeReview makes dir the repository the README's `floe diff --all` snippet runs in:
// the release's contract, Manifest and two products (readmeRelease) committed as
// origin/main, then one product changed in the working tree.
func readmeReview(t *testing.T, repo, dir string) {
	t.Helper()
	readmeRelease(t, repo, dir)
	r := gittest.Init(t, dir)
	r.RemoteBranch("origin", "main", r.Commit(nil))
	p := filepath.Join(dir, "products", "orders", "floe.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, strings.Replace(string(b), "  - name: stg_orders\n", "  - name: stg_orders\n  - name: fct_orders\n", 1))
}

// copyTree copies the regular files and directories under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// runTranscript runs a console snippet's one "$ floe ARGS" line (ARGS split on spaces, no
// quoting) in the repository's top directory and requires exactly the output it shows.
func runTranscript(t *testing.T, repo, floe string, s snippet) {
	t.Helper()
	first, want, _ := strings.Cut(s.body, "\n")
	args := strings.Fields(strings.TrimPrefix(first, "$ "))
	if !strings.HasPrefix(first, "$ ") || len(args) == 0 || args[0] != "floe" {
		t.Fatalf("README.md:%d: a console snippet is one \"$ floe ...\" line and its output", s.line)
	}
	cmd := exec.Command(floe, args[1:]...)
	cmd.Dir = repo
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("README.md:%d: %s: %v\n%s", s.line, first, err, stderr.String())
	}
	if string(got) != want {
		t.Errorf("README.md:%d: %s prints\n%s\nthe README shows\n%s", s.line, first, got, want)
	}
}
