package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/golden"
)

// checkRun runs floe with stdin and returns the exit code and both streams.
func checkRun(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// TestCheckGolden checks golden/check/<case>/input.yaml against the case's contract
// (whose platform Manifest sits beside it) in every output format.
func TestCheckGolden(t *testing.T) {
	for _, tc := range []struct {
		name      string
		code      int
		stderrHas string
	}{
		{"bad", 1, "floe: policy gate (strict) denied: 17 deny finding(s), 4 warning(s), 1 excepted"},
		{"good", 0, ""},
	} {
		dir := filepath.Join(golden.Dir(t), "check", tc.name)
		for _, format := range []string{"text", "json", "sarif"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				code, out, stderr := checkRun("", "check", "--root", dir, "--contract", filepath.Join(dir, "contract.yaml"), "--output", format, filepath.Join(dir, "input.yaml"))
				if code != tc.code {
					t.Fatalf("exit %d, want %d\nstderr: %s", code, tc.code, stderr)
				}
				if strings.TrimSpace(stderr) != tc.stderrHas {
					t.Errorf("stderr %q, want %q", stderr, tc.stderrHas)
				}
				golden.Assert(t, filepath.Join(dir, "expected."+format), []byte(out))
				if format != "text" && !json.Valid([]byte(out)) {
					t.Errorf("%s output is not JSON", format)
				}
			})
		}
	}
}

// caseDir copies a golden case into a temporary root, with contract edited by edit.
func caseDir(t *testing.T, name string, edit func(contract, manifest string) (string, string)) string {
	t.Helper()
	src := filepath.Join(golden.Dir(t), "check", name)
	dir := t.TempDir()
	read := func(f string) string {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	contract, manifest := read("contract.yaml"), read("manifest.yaml")
	if edit != nil {
		contract, manifest = edit(contract, manifest)
	}
	for f, s := range map[string]string{"contract.yaml": contract, "manifest.yaml": manifest, "input.yaml": read("input.yaml")} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func withoutContractEnforcement(c, m string) (string, string) {
	return strings.Replace(c, "  enforcement: strict\n", "", 1), m
}

func withManifestLevel(level string) func(c, m string) (string, string) {
	return func(c, m string) (string, string) {
		c, m = withoutContractEnforcement(c, m)
		return c, strings.Replace(m, "policy_enforcement_level: warn", "policy_enforcement_level: "+level, 1)
	}
}

func TestCheckLevels(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(c, m string) (string, string)
		flags  []string
		code   int
		stdout []string // substrings
		none   []string // must not appear on stdout
	}{
		{"manifest warn: denies become warnings", withoutContractEnforcement, nil, 0,
			[]string{"input.yaml:30: WARN POL-SEC-07 CronJob/hello-orders-dbt", "input.yaml:213: WARN POL-NAME-01"}, []string{"DENY"}},
		{"--enforcement strict raises warn", withoutContractEnforcement, []string{"--enforcement", "strict"}, 1,
			[]string{"input.yaml:30: DENY POL-SEC-07"}, nil},
		{"--enforcement off cannot lower the contract's strict", nil, []string{"--enforcement", "off"}, 1,
			[]string{"DENY POL-SEC-07"}, nil},
		{"--enforcement warn cannot lower strict", nil, []string{"--enforcement", "warn"}, 1, []string{"DENY"}, nil},
		{"manifest off evaluates nothing", withManifestLevel("off"), nil, 0, nil, []string{"POL-"}},
		{"manifest off raised to warn", withManifestLevel("off"), []string{"--enforcement", "warn"}, 0, []string{"WARN POL-SEC-07"}, []string{"DENY"}},
		{"manifest strict", withManifestLevel("strict"), nil, 1, []string{"DENY POL-SEC-07"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := caseDir(t, "bad", tc.edit)
			args := append([]string{"check", "--root", dir, "--contract", filepath.Join(dir, "contract.yaml")}, tc.flags...)
			code, out, stderr := checkRun("", append(args, filepath.Join(dir, "input.yaml"))...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.none {
				if strings.Contains(out, s) {
					t.Errorf("stdout has %q:\n%s", s, out)
				}
			}
			if strings.Contains(out+stderr, "not-shown-anywhere") || strings.Contains(out+stderr, "demo-secret") {
				t.Error("a secret value was printed")
			}
		})
	}
}

func TestCheckStdinAndSeveralFiles(t *testing.T) {
	dir := caseDir(t, "bad", nil)
	input, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(golden.Dir(t), "check", "good", "input.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "good.yaml"), good, 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"check", "--root", dir, "--contract", filepath.Join(dir, "contract.yaml"), "--output", "json"}
	for name, args := range map[string][]string{"no FILE": nil, "dash": {"-"}, "dash and a file": {filepath.Join(dir, "good.yaml"), "-"}} {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := checkRun(string(input), append(base, args...)...)
			if code != 1 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var rep struct {
				Findings []struct {
					File string
					Line int
				}
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			files := map[string]bool{}
			for _, f := range rep.Findings {
				files[f.File] = true
			}
			if !files["stdin"] || !files["contract.yaml"] || len(files) != 2 {
				t.Errorf("findings name files %v; want stdin and the root-relative contract", files)
			}
		})
	}
}

func TestCheckBadInput(t *testing.T) {
	dir := filepath.Join(golden.Dir(t), "check", "bad")
	contract := filepath.Join(dir, "contract.yaml")
	input := filepath.Join(dir, "input.yaml")
	tmp := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	unknownRule := caseDir(t, "bad", func(c, m string) (string, string) {
		return strings.Replace(c, "rule: POL-SEC-02", "rule: POL-SEC-99", 1), m
	})
	badBundle := caseDir(t, "bad", func(c, m string) (string, string) {
		return c + "  bundles: [missing/policies]\n", m
	})
	for _, tc := range []struct {
		name   string
		stdin  string
		args   []string
		stderr string
	}{
		{"no contract", "", []string{"check", input}, "--contract FILE is required"},
		{"bad output", "", []string{"check", "--root", dir, "--contract", contract, "--output", "xml", input}, `--output "xml": want text, json or sarif`},
		{"bad enforcement", "", []string{"check", "--root", dir, "--contract", contract, "--enforcement", "block", input}, `"block" is not off, warn or strict`},
		{"malformed stream", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   labels: {}\n", []string{"check", "--root", dir, "--contract", contract, "-"}, "stdin:5: mapping values are not allowed"},
		{"missing file", "", []string{"check", "--root", dir, "--contract", contract, filepath.Join(dir, "nope.yaml")}, "nope.yaml: no such file or directory"},
		{"file outside the root", "", []string{"check", "--root", dir, "--contract", contract, write("out.yaml", "apiVersion: v1\nkind: ConfigMap\n")}, "is outside the root"},
		{"invalid contract", "", []string{"check", "--root", tmp, "--contract", write("pec.yaml", "apiVersion: floe.dev/v1alpha1\nkind: PlatformEnvironmentContract\n"), "-"}, "pec.yaml"},
		{"unknown exception rule", "", []string{"check", "--root", unknownRule, "--contract", filepath.Join(unknownRule, "contract.yaml"), filepath.Join(unknownRule, "input.yaml")}, `policy.exceptions[0].rule: unknown rule "POL-SEC-99"`},
		{"missing bundle", "", []string{"check", "--root", badBundle, "--contract", filepath.Join(badBundle, "contract.yaml"), filepath.Join(badBundle, "input.yaml")}, "contract.yaml:49:13: policy.bundles[0]: missing/policies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := checkRun(tc.stdin, tc.args...)
			if code != 2 || out != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing\nstderr: %s", code, out, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr, tc.stderr)
			}
		})
	}
}

func TestCheckPlatformBundle(t *testing.T) {
	dir := caseDir(t, "good", func(c, m string) (string, string) {
		return c + "  bundles: [platform/policies]\n", m
	})
	if err := os.MkdirAll(filepath.Join(dir, "platform", "policies"), 0o755); err != nil {
		t.Fatal(err)
	}
	rego := `package floe.acme

rules["ACME-TEAM-01"] := {"title": "Objects name a team", "severity": "deny", "remediation": "Add the acme.com/team label."}

violation contains {"rule": "ACME-TEAM-01", "i": i, "msg": "has no acme.com/team label"} if {
	some i, o in input.objects
	not o.object.metadata.labels["acme.com/team"]
}
`
	for f, s := range map[string]string{"team.rego": rego, "team_test.rego": "not rego at all"} {
		if err := os.WriteFile(filepath.Join(dir, "platform", "policies", f), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, stderr := checkRun("", "check", "--root", dir, "--contract", filepath.Join(dir, "contract.yaml"), filepath.Join(dir, "input.yaml"))
	if code != 1 || strings.Count(out, "DENY ACME-TEAM-01") != 3 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
}
