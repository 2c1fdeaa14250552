package policies

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floe-dev/floe/config"
)

func TestEffective(t *testing.T) {
	for _, tc := range []struct {
		levels []string
		want   string
	}{
		{nil, "warn"},
		{[]string{""}, "warn"},
		{[]string{"off"}, "off"},
		{[]string{"off", "", ""}, "off"},
		{[]string{"", "off"}, "warn"}, // an absent Manifest level is warn; off cannot lower it
		{[]string{"strict", "warn", "off"}, "strict"},
		{[]string{"warn", "strict"}, "strict"},
		{[]string{"off", "warn"}, "warn"},
		{[]string{"off", "", "strict"}, "strict"},
		{[]string{"bogus"}, "warn"},
	} {
		if got := Effective(tc.levels...); got != tc.want {
			t.Errorf("Effective(%q) = %q, want %q", tc.levels, got, tc.want)
		}
	}
	for _, ok := range []string{"", "off", "warn", "strict"} {
		if err := CheckLevel(ok); err != nil {
			t.Errorf("CheckLevel(%q): %v", ok, err)
		}
	}
	if err := CheckLevel("error"); err == nil || !strings.Contains(err.Error(), `"error" is not off, warn or strict`) {
		t.Errorf("CheckLevel(error) = %v", err)
	}
}

func raw() []Finding {
	return []Finding{
		{Rule: "POL-SEC-04", Severity: Deny, Resource: "Deployment/ledger-api", File: "a.yaml", Line: 3, Message: "m1"},
		{Rule: "POL-SEC-04", Severity: Deny, Resource: "CronJob/ledger-nightly", File: "a.yaml", Line: 9, Message: "m2"},
		{Rule: "POL-SEC-06", Severity: Deny, Resource: "Deployment/ledger-api", File: "a.yaml", Line: 3, Message: "m3"},
		{Rule: "POL-HOOK-01", Severity: Warn, Resource: "Pod/t", File: "a.yaml", Line: 20, Message: "m4"},
	}
}

var day = time.Date(2027, 3, 31, 23, 59, 0, 0, time.UTC)

func TestGateLevels(t *testing.T) {
	for level, want := range map[string][3]int{"off": {0, 0, 0}, "warn": {0, 4, 0}, "strict": {3, 1, 0}, "": {0, 4, 0}} {
		r := Gate{Level: level, Now: day}.Apply(raw(), nil)
		if got := [3]int{r.Deny, r.Warn, r.Excepted}; got != want {
			t.Errorf("level %q: deny/warn/excepted = %v, want %v", level, got, want)
		}
		if r.Denied() != (want[0] > 0) {
			t.Errorf("level %q: Denied() = %v", level, r.Denied())
		}
		if level == "off" && len(r.Findings) != 0 {
			t.Errorf("level off reported %d findings", len(r.Findings))
		}
		if level == "warn" {
			for _, f := range r.Findings {
				if f.Severity != Warn {
					t.Errorf("level warn kept severity %s on %s", f.Severity, f.Rule)
				}
			}
		}
	}
}

func TestGateExceptions(t *testing.T) {
	exceptions := []Exception{
		{Rule: "POL-SEC-04", Resources: []string{"Deployment/ledger-*"}, Reason: "writes /var/cache", ApprovedBy: "sec@example.com", Expires: "2027-03-31"},
		{Rule: "POL-SEC-06", Resources: []string{"Deployment/*"}, Reason: "old", ApprovedBy: "sec@example.com", Expires: "2027-03-30", File: "platform/pec.yaml", Line: 40, Path: "policy.exceptions[1]"},
		{Rule: "POL-HOOK-01", Resources: []string{"Pod/t"}, Reason: "smoke test pod"},
	}
	r := Gate{Level: "strict", Exceptions: exceptions, Now: day}.Apply(raw(), []Rule{{ID: "POL-SEC-04"}})
	var got []string
	for _, f := range r.Findings {
		s := f.File + " " + f.Severity + " " + f.Rule + " " + f.Resource
		if f.Excepted {
			s += " excepted: " + f.ExceptionReason
		}
		got = append(got, s)
	}
	want := []string{
		"a.yaml deny POL-SEC-04 Deployment/ledger-api excepted: writes /var/cache", // expires today: still applies
		"a.yaml deny POL-SEC-06 Deployment/ledger-api",                             // its exception expired yesterday
		"a.yaml deny POL-SEC-04 CronJob/ledger-nightly",                            // kind does not match the glob
		"a.yaml warn POL-HOOK-01 Pod/t excepted: smoke test pod",                   // no expiry
		"platform/pec.yaml warn POL-EXC-01 policy.exceptions[1]",
	}
	if diff := cmp.Diff(sortStrings(want), sortStrings(got)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if r.Deny != 2 || r.Warn != 1 || r.Excepted != 2 {
		t.Errorf("summary %d/%d/%d", r.Deny, r.Warn, r.Excepted)
	}
	for _, f := range r.Findings {
		if f.Rule == "POL-EXC-01" {
			if f.Message != "the exception for POL-SEC-06 on Deployment/* (approved by sec@example.com) expired on 2027-03-30 and no longer applies" || f.Line != 40 {
				t.Errorf("expiry warning %+v", f)
			}
		}
	}
	if ids := r.Rules; len(ids) != 2 || ids[0].ID != "POL-EXC-01" || ids[1].ID != "POL-SEC-04" {
		t.Errorf("report rules %+v", ids)
	}
	// The next day the first exception has expired too.
	next := Gate{Level: "strict", Exceptions: exceptions, Now: day.Add(time.Minute)}.Apply(raw(), nil)
	if next.Deny != 3 || next.Excepted != 1 || next.Warn != 2 {
		t.Errorf("next day: summary %d/%d/%d", next.Deny, next.Warn, next.Excepted)
	}
}

func sortStrings(s []string) []string { return slices.Sorted(slices.Values(s)) }

func TestGateValidate(t *testing.T) {
	g := Gate{Exceptions: []Exception{
		{Rule: "POL-SEC-04", Resources: []string{"Deployment/a"}, Reason: "ok", Expires: "2027-01-01"},
		{Rule: "POL-NOPE-01", Resources: []string{"[", "nokind"}, Expires: "31.03.2027", File: "pec.yaml", Line: 7, Path: "policy.exceptions[1]"},
		{},
	}}
	err := g.Validate(map[string]bool{"POL-SEC-04": true})
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`pec.yaml:7: policy.exceptions[1].rule: unknown rule "POL-NOPE-01"`,
		`pec.yaml:7: policy.exceptions[1].resources[0]: "[" is not a Kind/name glob`,
		`pec.yaml:7: policy.exceptions[1].resources[1]: "nokind" is not a Kind/name glob`,
		`pec.yaml:7: policy.exceptions[1].reason: missing`,
		`pec.yaml:7: policy.exceptions[1].expires: "31.03.2027" is not a YYYY-MM-DD date`,
		`policy.exceptions[2].rule: missing`,
		`policy.exceptions[2].resources: missing (list Kind/name globs)`,
		`policy.exceptions[2].reason: missing`,
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if err := (Gate{Exceptions: g.Exceptions[:1]}).Validate(nil); err != nil {
		t.Errorf("valid exception: %v", err)
	}
}

func TestGateRunOffEvaluatesNothing(t *testing.T) {
	// A stream that would fail every rule: at level off the engine is not even asked.
	objs := mustParse(t, "a.yaml", badDeployment)
	ctx := context.Background()
	off := &config.Manifest{Governance: &config.Governance{PolicyEnforcementLevel: "off"}}
	g, err := NewGate(ctx, GateConfig{Contract: &config.Contract{}, Manifest: off, Engine: testEngine(t)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.Run(ctx, objs)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 0 || r.Level != "off" || len(r.Rules) == 0 {
		t.Errorf("report at off: %+v", r)
	}
	g, err = NewGate(ctx, GateConfig{Contract: &config.Contract{}, Manifest: off, Level: "strict", Now: day, Engine: testEngine(t)})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = g.Run(ctx, objs); err != nil {
		t.Fatal(err)
	}
	if !r.Denied() {
		t.Error("strict gate passed a bad deployment")
	}
}
