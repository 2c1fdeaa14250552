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
				var ec diag.ExitCode
				if err == nil || !errors.As(err, &ec) || ec.ExitCode() != 1 || res != nil {
					t.Fatalf("want a denial (exit 1), got %v", err)
				}
				for _, w := range []string{"(rendered):", "CronJob/customer-360-dbt: POL-SEC-04:", "policy gate (strict) denied the render"} {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("denial lacks %q:\n%s", w, err)
					}
				}
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
