package policies

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/floe-dev/floe/golden"
)

// sampleReport is a strict-level report with a deny, a warning, an excepted finding, an
// expired exception and a finding without a line.
func sampleReport(t *testing.T) Report {
	t.Helper()
	objs := mustParse(t, "out/render.yaml", badDeployment+"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  namespace: floe-dev\n  annotations: {helm.sh/hook: test}\nspec: {containers: []}\n")
	objs = append(objs, Object{File: "/abs/path with space/x.yaml", Value: map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "s"}, "data": map[string]any{"k": "dg=="}}})
	raw, err := testEngine(t).Check(t.Context(), objs, Params{Namespace: "floe-dev"})
	if err != nil {
		t.Fatal(err)
	}
	g := Gate{Level: "strict", Now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Exceptions: []Exception{
		{Rule: "POL-SEC-06", Resources: []string{"Deployment/ledger"}, Reason: "sized by the VPA", Expires: "2030-01-01"},
		{Rule: "POL-SEC-04", Resources: []string{"Deployment/*"}, Reason: "old", Expires: "2029-12-31", File: "pec.yaml", Line: 12, Path: "policy.exceptions[1]"},
	}}
	return g.Apply(raw, testEngine(t).Rules())
}

func TestWriteSARIFValidatesAgainstSchema(t *testing.T) {
	schemaBytes, err := os.ReadFile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaBytes))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	validate := func(name string, out []byte) {
		t.Helper()
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: SARIF output is not valid SARIF 2.1.0: %v", name, err)
		}
	}
	for name, r := range map[string]Report{"sample": sampleReport(t), "empty": Gate{}.Apply(nil, testEngine(t).Rules()), "off": Gate{Level: "off"}.Apply(nil, nil)} {
		var b bytes.Buffer
		if err := WriteSARIF(&b, r); err != nil {
			t.Fatal(err)
		}
		validate(name, b.Bytes())
	}
	goldens, err := filepath.Glob(filepath.Join(golden.Dir(t), "check", "*", "expected.sarif"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no golden SARIF files (%v)", err)
	}
	for _, g := range goldens {
		out, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		validate(g, out)
	}
	// The validator is not a rubber stamp: a result with an unknown level fails.
	var b bytes.Buffer
	if err := WriteSARIF(&b, sampleReport(t)); err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(b.String(), `"level": "error"`, `"level": "fatal"`, 1)
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(broken))
	if err := schema.Validate(inst); err == nil {
		t.Error("schema accepted level fatal")
	}
}

// TestWriteSARIFStructure checks what consumers rely on, field by field.
func TestWriteSARIFStructure(t *testing.T) {
	r := sampleReport(t)
	var b bytes.Buffer
	if err := WriteSARIF(&b, r); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct {
						ID                   string
						ShortDescription     struct{ Text string }
						Help                 struct{ Text string }
						DefaultConfiguration struct{ Level string }
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine int }
					}
				}
				Suppressions []struct{ Kind, Justification string }
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "floe" {
		t.Fatalf("log header: %+v", log)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(testEngine(t).Rules())+1 {
		t.Errorf("%d rules, want every policy plus POL-EXC-01", len(run.Tool.Driver.Rules))
	}
	for _, rule := range run.Tool.Driver.Rules {
		if rule.ShortDescription.Text == "" || rule.Help.Text == "" || (rule.DefaultConfiguration.Level != "error" && rule.DefaultConfiguration.Level != "warning") {
			t.Errorf("rule %+v", rule)
		}
	}
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	seen := map[string]bool{}
	for i, res := range run.Results {
		f := r.Findings[i]
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID || res.RuleID != f.Rule {
			t.Errorf("result %d: ruleId %s, ruleIndex %d", i, res.RuleID, res.RuleIndex)
		}
		if want := map[string]string{Deny: "error", Warn: "warning"}[f.Severity]; res.Level != want {
			t.Errorf("result %d: level %s for severity %s", i, res.Level, f.Severity)
		}
		loc := res.Locations[0].PhysicalLocation
		seen[loc.ArtifactLocation.URI] = true
		if f.Line > 0 && (loc.Region == nil || loc.Region.StartLine != f.Line) {
			t.Errorf("result %d: region %+v, want line %d", i, loc.Region, f.Line)
		}
		if f.Line == 0 && loc.Region != nil {
			t.Errorf("result %d: region without a line", i)
		}
		if f.Excepted != (len(res.Suppressions) == 1) || (f.Excepted && res.Suppressions[0].Justification != "sized by the VPA") {
			t.Errorf("result %d: suppressions %+v for %+v", i, res.Suppressions, f)
		}
	}
	want := map[string]bool{"out/render.yaml": true, "pec.yaml": true, "file:///abs/path%20with%20space/x.yaml": true}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("artifact URIs (-want +got):\n%s", diff)
	}
}

func TestWriteTextAndJSON(t *testing.T) {
	r := Report{Level: "strict", Deny: 1, Warn: 1, Excepted: 1, Findings: []Finding{
		{Rule: "POL-SEC-04", Severity: Deny, Resource: "Deployment/a", Namespace: "ns", File: "a.yaml", Line: 3, Message: "m1"},
		{Rule: "POL-HOOK-01", Severity: Warn, Resource: "Pod/t", File: "a.yaml", Message: "m2"},
		{Rule: "POL-SEC-06", Severity: Deny, Resource: "Deployment/a", File: "a.yaml", Line: 3, Message: "m3", Excepted: true, ExceptionReason: "sized by the VPA"},
	}}
	var text bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	wantText := "a.yaml:3: DENY POL-SEC-04 Deployment/a: m1\n" +
		"a.yaml: WARN POL-HOOK-01 Pod/t: m2\n" +
		"a.yaml:3: DENY POL-SEC-06 Deployment/a: m3 (excepted: sized by the VPA)\n"
	if diff := cmp.Diff(wantText, text.String()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"findings": []any{
			map[string]any{"rule": "POL-SEC-04", "severity": "deny", "resource": "Deployment/a", "namespace": "ns", "file": "a.yaml", "line": 3.0, "message": "m1", "excepted": false},
			map[string]any{"rule": "POL-HOOK-01", "severity": "warn", "resource": "Pod/t", "namespace": "", "file": "a.yaml", "line": 0.0, "message": "m2", "excepted": false},
			map[string]any{"rule": "POL-SEC-06", "severity": "deny", "resource": "Deployment/a", "namespace": "", "file": "a.yaml", "line": 3.0, "message": "m3", "excepted": true},
		},
		"summary": map[string]any{"deny": 1.0, "warn": 1.0, "excepted": 1.0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(js.String(), "{\n  \"findings\": [") {
		t.Errorf("json keys out of D-GATE-05's order:\n%s", js.String())
	}
	var empty bytes.Buffer
	if err := WriteJSON(&empty, Report{}); err != nil || !strings.Contains(empty.String(), `"findings": []`) {
		t.Errorf("empty report: %q %v", empty.String(), err)
	}
}
