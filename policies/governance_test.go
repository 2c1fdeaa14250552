package policies

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/config"
)

// govProduct loads a floe.yaml with transforms of these names and tags.
func govProduct(t *testing.T) *config.FloeSpec {
	t.Helper()
	dir := t.TempDir()
	src := `apiVersion: floe.dev/v1
kind: FloeSpec
metadata: {name: orders, version: 1.0.0}
transforms:
  - name: bronze_orders
    tags: [staging]
  - name: stg_orders
  - name: mart_orders
    tags: [marts]
    dependsOn: [stg_orders]
  - name: x_stg_fact
    tags: [staging, marts]
`
	if err := os.WriteFile(filepath.Join(dir, "floe.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, ds := config.LoadProduct(root, "floe.yaml")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return p
}

// TestGovernance: Floe's compile-time rules on the synthetic manifest, each case one
// governance block (YAML) and the findings as "severity rule resource line: message".
func TestGovernance(t *testing.T) {
	p := govProduct(t)
	tests := map[string]struct {
		gov  string // governance block; "-" for none
		want []string
	}{
		"no governance":    {"-", nil},
		"empty governance": {"{}", nil},
		"naming defaults to medallion at warn": {"naming: {}", []string{
			"warn POL-GOV-E201 Model/stg_orders 7: Model name 'stg_orders' does not match medallion naming convention",
			"warn POL-GOV-E201 Model/mart_orders 8: Model name 'mart_orders' does not match medallion naming convention",
			"warn POL-GOV-E201 Model/x_stg_fact 11: Model name 'x_stg_fact' does not match medallion naming convention",
		}},
		"kimball at strict": {"naming: {pattern: kimball, enforcement: strict}", []string{
			"deny POL-GOV-E201 Model/bronze_orders 5: Model name 'bronze_orders' does not match kimball naming convention",
			"deny POL-GOV-E201 Model/stg_orders 7: Model name 'stg_orders' does not match kimball naming convention",
			"deny POL-GOV-E201 Model/mart_orders 8: Model name 'mart_orders' does not match kimball naming convention",
			"deny POL-GOV-E201 Model/x_stg_fact 11: Model name 'x_stg_fact' does not match kimball naming convention",
		}},
		"custom patterns match from the start only": {`naming: {pattern: custom, custom_patterns: ["stg_", "(bronze|mart)_"]}`, []string{
			"warn POL-GOV-E201 Model/x_stg_fact 11: Model name 'x_stg_fact' does not match custom naming convention",
		}},
		"naming off":                {"naming: {enforcement: off}", nil},
		"descriptions not required": {"quality_gates: {require_descriptions: false, minimum_test_coverage: 100}", nil},
		"descriptions required": {"quality_gates: {require_descriptions: true}", []string{
			"deny POL-GOV-E220 Model/bronze_orders 5: Model 'bronze_orders' is missing a description.",
			"deny POL-GOV-E220 Model/stg_orders 7: Model 'stg_orders' is missing a description.",
			"deny POL-GOV-E220 Model/mart_orders 8: Model 'mart_orders' is missing a description.",
			"deny POL-GOV-E220 Model/x_stg_fact 11: Model 'x_stg_fact' is missing a description.",
		}},
		"custom rules": {`custom_rules:
  - {type: require_tags_for_prefix, prefix: mart_, required_tags: [certified, marts, owner]}
  - {type: require_tags_for_prefix, prefix: x_, required_tags: [marts], applies_to: "*"}
  - {type: require_meta_field, field: owner, applies_to: "b*"}
  - {type: require_meta_field, field: team, required: false}
  - {type: require_tests_of_type, test_types: [unique], applies_to: "[!bmx]*"}`, []string{
			"deny POL-GOV-E400 Model/mart_orders 8: Model 'mart_orders' with prefix 'mart_' is missing required tags: certified, owner",
			"deny POL-GOV-E401 Model/bronze_orders 5: Model 'bronze_orders' is missing required meta field 'owner'",
			"deny POL-GOV-E402 Model/stg_orders 7: Model 'stg_orders' is missing required test types: unique",
		}},
		"policies": {`policies:
  - {name: tagged, type: required_tags, action: warn, message: Tag it, config: {required_tags: [staging]}}
  - {name: names, type: naming_convention, action: block, message: Snake, config: {pattern: "[a-z]+_orders"}}
  - {name: small, type: max_transforms, action: error, message: Small, config: {threshold: 3}}
  - {name: fits, type: max_transforms, action: error, message: Fits, config: {threshold: 4}}
  - {name: expr, type: custom, action: error, message: Never run, config: {condition: "len(models) > 0"}}`, []string{
			"warn POL-GOV-E600 Model/stg_orders 7: [tagged] Tag it (Missing tags: staging)",
			"warn POL-GOV-E600 Model/mart_orders 8: [tagged] Tag it (Missing tags: staging)",
			"deny POL-GOV-E600 Model/x_stg_fact 11: [names] Snake (Pattern: [a-z]+_orders)",
			"deny POL-GOV-E600 Product/orders 4: [small] Small (Actual: 4, Threshold: 3)",
		}},
		"rbac": {"rbac: {enabled: true}", []string{
			"deny POL-GOV-E500 Manifest/platform 0: RBAC check failed: the compile step runs without an identity plugin",
		}},
		"rbac off": {"rbac: {enabled: false}", nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := &config.Manifest{Metadata: config.ManifestMetadata{Name: "platform"}}
			if tc.gov != "-" {
				m.Governance = &config.Governance{}
				if err := yaml.Unmarshal([]byte(tc.gov), m.Governance); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, f := range Governance(m, p) {
				got = append(got, f.Severity+" "+f.Rule+" "+f.Resource+" "+strconv.Itoa(f.Line)+": "+f.Message)
				if f.Title == "" || f.Remediation == "" {
					t.Errorf("%s has no title or remediation", f.Rule)
				}
				if f.Line > 0 && f.File != "floe.yaml" {
					t.Errorf("%s: file %q", f.Rule, f.File)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// TestGovernanceRules: the governance rules are well formed and do not clash with the
// rego rules.
func TestGovernanceRules(t *testing.T) {
	e, err := New(t.Context(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range GovernanceRules {
		if !ruleID.MatchString(r.ID) || r.Title == "" || r.Remediation == "" || (r.Severity != Deny && r.Severity != Warn) {
			t.Errorf("malformed rule %+v", r)
		}
		if _, clash := e.Rule(r.ID); clash {
			t.Errorf("%s is also a rego rule", r.ID)
		}
	}
}
