package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/golden"
)

// gateRoot copies testdata/gate into a temporary root and appends extra to its contract.
func gateRoot(t *testing.T, extra string) config.Root {
	t.Helper()
	src := filepath.Join("testdata", "gate")
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == "contract.yaml" {
			b = append(b, extra...)
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	root, err := config.OSRoot(dst)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// assertDenied checks a render was denied by the gate (exit 1, no result) with an error
// naming each of wants.
func assertDenied(t *testing.T, res *Result, err error, wants ...string) {
	t.Helper()
	var ec diag.ExitCode
	if err == nil || !errors.As(err, &ec) || ec.ExitCode() != 1 || res != nil {
		t.Fatalf("want a denial (exit 1), got %v", err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("denial lacks %q:\n%s", w, err)
		}
	}
}

// TestPolicyGate runs the real OPA gate: an overlay makes the root filesystem writable
// (POL-SEC-04), at level strict (contract policy.enforcement).
func TestPolicyGate(t *testing.T) {
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		extra       string // appended to the contract (after policy.enforcement: strict)
		enforcement string
		denied      bool
		wantWarn    []string // substrings of Result.Warnings
		evidence    string   // status of the "policy checks pass" item
	}{
		"strict denies":     {"", "", true, nil, ""},
		"flag cannot lower": {"", "warn", true, nil, ""},
		"exception passes": {
			"  exceptions:\n    - rule: POL-SEC-04\n      resources: [\"CronJob/customer-360-*\"]\n      reason: dbt writes its target dir until the image is fixed\n      approvedBy: security@example.com\n      expires: \"2027-03-31\"\n",
			"", false, nil, SatisfiedAtRender},
		"expired exception denies": {
			"  exceptions:\n    - rule: POL-SEC-04\n      resources: [\"CronJob/*\"]\n      reason: old\n      approvedBy: security@example.com\n      expires: \"2026-01-31\"\n",
			"", true, nil, ""},
		"platform bundle warns": {
			"  exceptions:\n    - rule: POL-SEC-04\n      resources: [\"CronJob/*\"]\n      reason: accepted\n      approvedBy: security@example.com\n      expires: \"2027-03-31\"\n  bundles: [platform/policies]\n",
			"", false, []string{"(rendered):", "CronJob/customer-360-dbt: ACME-OWN-01: CronJob has no acme.example.com/team label"}, Pending},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			root := gateRoot(t, tc.extra)
			res, err := eng.Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
				Runtime: RuntimeFloeJobs, ImageTag: testTag, Enforcement: tc.enforcement, Now: testNow})
			if tc.denied {
				assertDenied(t, res, err, "(rendered):", "CronJob/customer-360-dbt: POL-SEC-04:", "policy gate (strict) denied the render")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := res.Evidence.Policy
			if p == nil || p.Level != "strict" || p.Denied || p.Summary.Excepted != 1 {
				t.Fatalf("policy report %+v", p)
			}
			var ws []string
			for _, w := range res.Warnings {
				ws = append(ws, w.String())
			}
			all := strings.Join(ws, "\n")
			for _, w := range tc.wantWarn {
				if !strings.Contains(all, w) {
					t.Errorf("warnings lack %q:\n%s", w, all)
				}
			}
			seen := false
			for _, r := range res.Evidence.Required {
				if strings.Contains(r.Item, "compile") && r.Status != SatisfiedAtRender {
					t.Errorf("%s: %s", r.Item, r.Status)
				}
				if strings.Contains(r.Item, "polic") {
					seen = true
					if r.Status != tc.evidence {
						t.Errorf("%q: %s (%s), want %s", r.Item, r.Status, r.Reason, tc.evidence)
					}
				}
			}
			if !seen {
				t.Errorf("the contract's policy evidence item is missing")
			}
		})
	}
}

// TestPolicyGateBadInputs: invalid exceptions and bundles are input errors (exit 2).
func TestPolicyGateBadInputs(t *testing.T) {
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct{ extra, enforcement, want string }{
		"unknown rule":       {"  exceptions:\n    - rule: POL-NOPE-99\n      resources: [\"CronJob/*\"]\n      reason: x\n      approvedBy: security@example.com\n      expires: \"2027-03-31\"\n", "", `unknown rule "POL-NOPE-99"`},
		"bad enforcement":    {"", "loose", "--enforcement"},
		"missing bundle dir": {"  bundles: [platform/nowhere]\n", "", "policy.bundles"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			root := gateRoot(t, tc.extra)
			_, err := eng.Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
				Runtime: RuntimeFloeJobs, ImageTag: testTag, Enforcement: tc.enforcement, Now: testNow})
			var ec diag.ExitCode
			if err == nil || !errors.As(err, &ec) || ec.ExitCode() != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want exit 2 mentioning %q", err, tc.want)
			}
		})
	}
}

// TestGovernanceGate: Floe's compile-time rules (POL-GOV) join the gate. The golden case
// governance-floe-jobs breaks each rule once; at level strict its deny findings fail the
// render, located in floe.yaml and the Manifest, unless contract exceptions cover them.
func TestGovernanceGate(t *testing.T) {
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(golden.Dir(t), "render", "governance-floe-jobs")
	excepted := "policy:\n  exceptions:\n" +
		"    - {rule: POL-GOV-E201, resources: [Model/*], reason: r, approvedBy: a, expires: \"2027-03-31\"}\n" +
		"    - {rule: POL-GOV-E220, resources: [Model/*], reason: r, approvedBy: a, expires: \"2027-03-31\"}\n" +
		"    - {rule: POL-GOV-E400, resources: [Model/mart_*], reason: r, approvedBy: a, expires: \"2027-03-31\"}\n" +
		"    - {rule: POL-GOV-E401, resources: [Model/*], reason: r, approvedBy: a, expires: \"2027-03-31\"}\n" +
		"    - {rule: POL-GOV-E402, resources: [Model/*], reason: r, approvedBy: a, expires: \"2027-03-31\"}\n" +
		"    - {rule: POL-GOV-E500, resources: [Manifest/*], reason: r, approvedBy: a, expires: \"2027-03-31\"}\n" +
		"    - {rule: POL-GOV-E600, resources: [Product/*, Model/*], reason: r, approvedBy: a, expires: \"2027-03-31\"}\n"
	for _, tc := range []struct {
		name, extra, enforcement, level string // level: the Manifest's, instead of warn
		denied                          bool
	}{
		{"warn reports", "", "", "", false},
		{"strict denies", "", "strict", "", true},
		{"strict with exceptions passes", excepted, "strict", "", false},
		{"off checks nothing", "", "", "off", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			c, err := os.ReadFile(filepath.Join(dir, "contract.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "contract.yaml"), append(c, tc.extra...), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.level != "" {
				m, err := os.ReadFile(filepath.Join(dir, "manifest.yaml"))
				if err != nil {
					t.Fatal(err)
				}
				m = []byte(strings.Replace(string(m), "policy_enforcement_level: warn", "policy_enforcement_level: "+tc.level, 1))
				if err := os.WriteFile(filepath.Join(dir, "manifest.yaml"), m, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			root, err := config.OSRoot(dir)
			if err != nil {
				t.Fatal(err)
			}
			res, err := eng.Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
				Runtime: RuntimeFloeJobs, ImageTag: testTag, Enforcement: tc.enforcement, Now: testNow})
			if tc.denied {
				assertDenied(t, res, err,
					"product/floe.yaml:17:1: Model/mart_daily_orders: POL-GOV-E201: Model name 'mart_daily_orders' does not match custom naming convention",
					"manifest.yaml:117:1: Manifest/floe-demo-platform: POL-GOV-E500: RBAC check failed",
					"9 finding(s) deny",
					"product/floe.yaml:17:1: warning: Model/mart_daily_orders: POL-GOV-E600: [tagged]")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := res.Evidence.Policy
			gov := map[string]int{}
			for _, f := range p.Findings {
				if strings.HasPrefix(f.Rule, "POL-GOV-") {
					gov[f.Severity]++
				}
			}
			if want := map[bool]string{true: "", false: "synthetic"}[tc.level == "off"]; p.Fidelity != want {
				t.Errorf("fidelity %q, want %q", p.Fidelity, want)
			}
			switch {
			case tc.level == "off":
				if len(p.Findings) != 0 {
					t.Errorf("level off reported %d findings", len(p.Findings))
				}
			case tc.enforcement == "strict":
				if p.Denied || p.Summary.Excepted != 10 || p.Summary.Deny+p.Summary.Warn != 0 {
					t.Errorf("report %+v; want all 10 governance findings excepted", p.Summary)
				}
			default:
				if p.Denied || gov["warn"] != 10 || gov["deny"] != 0 {
					t.Errorf("governance findings by severity %v, want 10 warnings at level warn", gov)
				}
			}
		})
	}
}
