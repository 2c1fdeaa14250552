package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/floe-dev/floe/golden" // the -update flag
)

// demoRoot copies config's demo fixtures into a temporary root.
func demoRoot(t testing.TB) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("..", "..", "config", "testdata", "demo")
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func runFloe(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestValidateCommand(t *testing.T) {
	root := demoRoot(t)
	bad := filepath.Join(root, "bad", "floe.yaml")
	if err := os.MkdirAll(filepath.Dir(bad), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("apiVersion: floe.dev/v1\nkind: FloeSpec\nmetadata:\n  name: bad-\n  version: 1.0\ntransforms:\n  - name: a\n    dependsOn: [b]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // exact, or prefix when it ends with "…"
		stderrHas  []string
		jsonStdout bool
	}{
		{"valid with contract", []string{"validate", "--root", root, "--contract", contract, filepath.Join(root, "demo", "customer-360")}, 0,
			"ok: demo/customer-360/floe.yaml (customer-360 1.0.0), contract platform/pec-dev.yaml, manifest demo/manifest.yaml, 1 warning(s)\n",
			[]string{"demo/manifest.yaml:29:1: warning: plugins: X-03: the manifest has no plugins.telemetry_backend"}, false},
		{"valid without contract", []string{"validate", "--root", root, filepath.Join(root, "examples", "hello-orders", "floe.yaml")}, 0,
			"ok: examples/hello-orders/floe.yaml (hello-orders 0.1.0), manifest demo/manifest.yaml\n", nil, false},
		{"invalid", []string{"validate", "--root", root, "--contract", contract, bad}, 2, "",
			[]string{"bad/floe.yaml:4:3: metadata.name: \"bad-\" ends with '-'", "bad/floe.yaml:5:12: metadata.version: expected a string, got float 1.0",
				"bad/floe.yaml:8:17: transforms[0].dependsOn[0]: FLOE-E301: Model 'a' references non-existent model 'b'"}, false},
		{"json valid", []string{"validate", "--root", root, "--output", "json", "--contract", contract, filepath.Join(root, "demo", "customer-360")}, 0, "", nil, true},
		{"json invalid", []string{"validate", "--root", root, "--output", "json", bad}, 2, "", []string{`"valid": false`, `"path": "metadata.version"`}, false},
		{"outside root", []string{"validate", "--root", filepath.Join(root, "demo"), contract}, 2, "", []string{"is outside the root"}, false},
		{"contract outside root", []string{"validate", "--root", filepath.Join(root, "demo"), "--contract", contract, filepath.Join(root, "demo", "customer-360")}, 2, "", []string{"--contract", "is outside the root"}, false},
		{"bad output flag", []string{"validate", "--output", "yaml", bad}, 2, "", []string{"want text or json"}, false},
		{"no product", []string{"validate"}, 2, "", []string{"want PRODUCT, or --contract FILE"}, false},
		{"missing product", []string{"validate", "--root", root, filepath.Join(root, "nope")}, 2, "", []string{"nope: no such file or directory"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runFloe(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if tc.jsonStdout {
				var r struct {
					Valid       bool
					Diagnostics []map[string]any
				}
				if err := json.Unmarshal([]byte(stdout), &r); err != nil || !r.Valid || len(r.Diagnostics) != 1 || r.Diagnostics[0]["severity"] != "warning" {
					t.Errorf("json stdout %q: %v %+v", stdout, err, r)
				}
				if stderr != "" {
					t.Errorf("json success wrote stderr: %q", stderr)
				}
			} else if stdout != tc.stdout {
				t.Errorf("stdout %q, want %q", stdout, tc.stdout)
			}
			for _, w := range tc.stderrHas {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestSchemaCommand(t *testing.T) {
	for _, k := range []string{"contract", "manifest", "product"} {
		code, stdout, stderr := runFloe("schema", k)
		if code != 0 || stderr != "" {
			t.Fatalf("%s: exit %d %s", k, code, stderr)
		}
		var s map[string]any
		if err := json.Unmarshal([]byte(stdout), &s); err != nil || s["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: not a 2020-12 schema: %v", k, err)
		}
	}
	if code, stdout, stderr := runFloe("schema", "helm"); code != 2 || stdout != "" || !strings.Contains(stderr, "unknown schema") {
		t.Errorf("schema helm: %d %q %q", code, stdout, stderr)
	}
}
