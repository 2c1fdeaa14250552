package hostile_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// urlSecret is the password put in endpoint URLs' userinfo.
const urlSecret = "Hunter2-UrlPassw0rd-9c1e"

// TestCredentialsInEndpointURLsAreRefused: an endpoint URL in the contract or the
// Manifest that carries userinfo (a password in the URL) is refused, naming the file and
// the field, and the password is never printed.
func TestCredentialsInEndpointURLsAreRefused(t *testing.T) {
	noSecret := func(t *testing.T, s *sandbox, _ *repo, res result) {
		t.Helper()
		for stream, b := range map[string][]byte{"stdout": res.stdout, "stderr": res.stderr} {
			if strings.Contains(string(b), urlSecret) {
				t.Errorf("the password in the URL was printed on %s", stream)
			}
		}
		if b, err := os.ReadFile(filepath.Join(s.tmp, "floe-post-render.log")); err == nil && strings.Contains(string(b), urlSecret) {
			t.Errorf("the password in the URL was written to the post-render log")
		}
	}
	in := func(file, old, new string) func(s *sandbox, r *repo) via {
		return func(s *sandbox, r *repo) via {
			r.replace(file, old, new)
			return via{}
		}
	}
	cases := []hostileCase{
		{name: "manifest-tracing-endpoint", setup: in(manifestFile,
			"endpoint: http://floe-platform-otel:4317", "endpoint: http://otel:"+urlSecret+"@floe-platform-otel:4317"),
			wants: []string{manifestFile, "observability.tracing.endpoint"}},
		{name: "manifest-lineage-endpoint", setup: in(manifestFile,
			"endpoint: http://floe-platform-marquez:5000/api/v1/lineage", "endpoint: http://marquez:"+urlSecret+"@floe-platform-marquez:5000/api/v1/lineage"),
			wants: []string{manifestFile, "observability.lineage.endpoint"}},
		{name: "manifest-storage-endpoint", setup: in(manifestFile,
			"endpoint: http://floe-platform-minio:9000", "endpoint: http://minio:"+urlSecret+"@floe-platform-minio:9000"),
			wants: []string{manifestFile, "plugins.storage.config.endpoint"}},
		{name: "manifest-catalog-uri", setup: in(manifestFile,
			"uri: http://floe-platform-polaris:8181/api/catalog", "uri: http://polaris:"+urlSecret+"@floe-platform-polaris:8181/api/catalog"),
			wants: []string{manifestFile, "plugins.catalog.config.uri"}},
		{name: "manifest-username-only-token", setup: in(manifestFile,
			"endpoint: http://floe-platform-otel:4317", "endpoint: https://"+urlSecret+"@floe-platform-otel:4317"),
			wants: []string{manifestFile, "observability.tracing.endpoint"}},
		{name: "contract-observability-url", setup: in(contractFile,
			"dagsterUrl: http://localhost:3100", "dagsterUrl: http://admin:"+urlSecret+"@localhost:3100"),
			wants: []string{contractFile, "observability.dagsterUrl"}},
	}
	for i := range cases {
		cases[i].doors = allDoors
		cases[i].check = noSecret
	}
	runRefused(t, cases)
}

// TestArgoCDRepoURLCredentialsNeverPrinted: Argo CD passes the repository URL as it is
// configured, which may hold a token; floe renders, but never prints it.
func TestArgoCDRepoURLCredentialsNeverPrinted(t *testing.T) {
	s, r := newSandbox(t), newRepo(t)
	res := s.run(r.through(doorArgoCD, via{env: []string{"ARGOCD_APP_SOURCE_REPO_URL=https://bot:" + urlSecret + "@git.example.com/acme/data.git"}}))
	if res.code != 0 {
		t.Fatalf("exit %d, want 0; stderr: %s", res.code, excerpt(res.stderr))
	}
	if strings.Contains(string(res.stdout), urlSecret) || strings.Contains(string(res.stderr), urlSecret) {
		t.Errorf("the repository URL's password was printed")
	}
}

// tokens are credential-shaped values under names that look innocent; each has a
// distinctive middle part that must not appear in any diff output.
var tokens = []struct{ name, old, new, mark string }{
	{"github-token", "ghp_" + strings.Repeat("A1b2C3d4E5", 3) + "f6G7h8", "ghp_" + strings.Repeat("Z9y8X7w6V5", 3) + "u4T3s2", "C3d4E5A1b2"},
	{"jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNlIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
		"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI5ODc2NTQzMjEwIiwibmFtZSI6IkJvYiJ9.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		"SflKxwRJSMeKKF2QT4fw"},
	{"bearer", "Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "Bearer 0a1b2c3d4e5f60718293a4b5c6d7e8f9", "9f8e7d6c5b4a3928"},
	{"aws-key", "AKIAZ7QWERTY12345678", "AKIAZ7ASDFGH87654321", "AKIAZ7QWERTY"},
}

// tokenStream is a stream that holds value under innocent names: a ConfigMap entry, a
// container env value and an annotation.
func tokenStream(value, other string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: floe-dev
  annotations:
    description: %q
data:
  note: %q
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: floe-dev
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/data-products/app:0123456789ab
          env:
            - name: GREETING
              value: %q
            - name: WELCOME
              value: %q
`, value, value, value, other)
}

// TestDiffNeverPrintsTokenShapedValues: `floe diff` (every format) shows a changed
// token-shaped value only by size, whatever the name it hides under.
func TestDiffNeverPrintsTokenShapedValues(t *testing.T) {
	for _, tok := range tokens {
		for _, format := range []string{"text", "markdown", "json"} {
			t.Run(tok.name+"/"+format, func(t *testing.T) {
				t.Parallel()
				s := newSandbox(t)
				dir := t.TempDir()
				from, to := filepath.Join(dir, "from.yaml"), filepath.Join(dir, "to.yaml")
				// old → new; and a value that appears only on the new side.
				if err := os.WriteFile(from, []byte(tokenStream(tok.old, "plain")), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(to, []byte(tokenStream(tok.new, tok.old)), 0o644); err != nil {
					t.Fatal(err)
				}
				res := s.run(invocation{dir: dir, args: []string{"diff", "--format", format, "--from", from, "--to", to}})
				if res.code != 0 {
					t.Fatalf("exit %d, want 0; stderr: %s", res.code, excerpt(res.stderr))
				}
				out := string(res.stdout) + string(res.stderr)
				for _, secret := range []string{tok.old, tok.new, tok.mark, tok.new[len(tok.new)-16:]} {
					if strings.Contains(out, secret) {
						t.Errorf("diff printed %q:\n%s", secret, out)
						break
					}
				}
				if !strings.Contains(out, "GREETING") && !strings.Contains(out, "note") {
					t.Errorf("diff does not report the changes at all:\n%s", out)
				}
			})
		}
	}
}

// TestRenderDiffNeverPrintsTokenShapedValues: `floe diff --against-contract` between two
// contracts whose Manifests differ only by token-shaped values under innocent names in
// the compute config (which reaches the dbt profiles) prints none of them: the inputs are
// refused, each value located by file and field, none echoed.
func TestRenderDiffNeverPrintsTokenShapedValues(t *testing.T) {
	for _, format := range []string{"text", "markdown", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			s, r := newSandbox(t), newRepo(t)
			oldExtra, newExtra := "", ""
			for i, tok := range tokens {
				oldExtra += fmt.Sprintf("      extra_%d: %q\n", i, tok.old)
				newExtra += fmt.Sprintf("      extra_%d: %q\n", i, tok.new)
			}
			manifest := r.read(manifestFile)
			r.write("demo/manifest-old.yaml", strings.Replace(manifest, "      threads: 4\n", "      threads: 4\n"+oldExtra, 1))
			r.replace(manifestFile, "      threads: 4\n", "      threads: 4\n"+newExtra)
			r.write("platform/old.yaml", strings.Replace(r.read(contractFile), "path: demo/manifest.yaml", "path: demo/manifest-old.yaml", 1))
			res := s.run(r.through(doorDiff, via{against: "platform/old.yaml", args: []string{"--runtime", "floe-jobs", "--format", format}}))
			// Key material in the inputs is refused outright (exit 2, each value located,
			// none printed); the point is that no door prints it.
			if res.code != 2 || res.stdoutBytes != 0 || !strings.Contains(string(res.stderr), "demo/manifest.yaml:") ||
				!strings.Contains(string(res.stderr), "shape of key material") {
				t.Fatalf("exit %d, want 2 refusing the key material located in demo/manifest.yaml; stderr: %s", res.code, excerpt(res.stderr))
			}
			out := string(res.stdout) + string(res.stderr)
			for _, tok := range tokens {
				for _, secret := range []string{tok.old, tok.new, tok.mark} {
					if strings.Contains(out, secret) {
						t.Errorf("diff printed %s value %q", tok.name, secret)
					}
				}
			}
		})
	}
}
