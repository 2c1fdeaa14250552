package policies

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

func assembleContract() *config.Contract {
	c := &config.Contract{}
	c.Environment.Name = "dev"
	c.Environment.Kubernetes.Namespace = "floe-dev"
	c.Access.ServiceAccount = "runner"
	c.Runtime.ArtifactRegistry = "registry.example.com/data"
	c.Runtime.ImageTagPolicy = "git-sha"
	return c
}

func TestGateParams(t *testing.T) {
	off := false
	noLineage := &config.Manifest{Observability: &config.Observability{Lineage: &config.Lineage{Enabled: &off}}}
	consoleLineage := &config.Manifest{Observability: &config.Observability{Lineage: &config.Lineage{Transport: "console"}}}
	product := &config.FloeSpec{Metadata: config.ProductMeta{Name: "orders", Version: "1.2.0"},
		Schedule: &config.Schedule{Cron: "0 * * * *", Timezone: "Europe/Paris"}}
	now := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	contract := Params{Namespace: "floe-dev", ServiceAccount: "runner", Registry: "registry.example.com/data",
		TagPolicy: "git-sha", Environment: "dev", Now: now}
	with := func(edit func(*Params)) Params { p := contract; edit(&p); return p }
	for _, tc := range []struct {
		name string
		cfg  GateConfig
		want Params
	}{
		{"contract only: lineage on by default", GateConfig{},
			with(func(p *Params) { p.LineageEnabled = true })},
		{"lineage disabled", GateConfig{Manifest: noLineage}, contract},
		{"lineage over console is off", GateConfig{Manifest: consoleLineage}, contract},
		{"product", GateConfig{Product: product, EgressPorts: []int{4317}},
			with(func(p *Params) {
				p.LineageEnabled, p.Product, p.ProductVersion, p.Mode, p.LineageNamespace = true, "orders", "1.2.0", "simple", "orders"
				p.Schedule = &Schedule{Timezone: "Europe/Paris", Enabled: true}
				p.NetworkPolicy = &NetworkPolicy{EgressPorts: []int{4317}}
			})},
		{"chart: the contract's placement, images and identity are not expected", GateConfig{Product: product, Chart: true},
			Params{Environment: "dev", Now: now, LineageEnabled: true, Product: "orders", Mode: "simple", LineageNamespace: "orders", Chart: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Contract, tc.cfg.Now = assembleContract(), now
			if diff := cmp.Diff(tc.want, GateParams(tc.cfg)); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewGate(t *testing.T) {
	ctx := context.Background()
	engine := testEngine(t)
	exception := func(rule, expires string) config.PolicyException {
		return config.PolicyException{Rule: rule, Resources: []string{"Deployment/*"}, Reason: "r", Expires: expires}
	}
	gate := func(t *testing.T, governance bool, level string, ex ...config.PolicyException) (*Gate, error) {
		c := assembleContract()
		c.Policy = &config.ContractPolicy{Exceptions: ex}
		return NewGate(ctx, GateConfig{Contract: c, Level: level, Now: day, Engine: engine, Governance: governance})
	}
	t.Run("unknown rule is a usage error", func(t *testing.T) {
		_, err := gate(t, false, "", exception("POL-NOPE-01", ""))
		var code diag.ExitCode
		if err == nil || !errors.As(err, &code) || code.ExitCode() != 2 || !strings.Contains(err.Error(), `unknown rule "POL-NOPE-01"`) {
			t.Errorf("err %v, want an exit-2 unknown-rule error", err)
		}
	})
	t.Run("invalid level is a usage error", func(t *testing.T) {
		if _, err := gate(t, false, "loud"); err == nil || !strings.Contains(err.Error(), "--enforcement") {
			t.Errorf("err %v", err)
		}
	})
	for _, governance := range []bool{false, true} {
		t.Run("a governance rule is known to every door", func(t *testing.T) {
			g, err := gate(t, governance, "", exception("POL-GOV-E201", ""))
			if err != nil {
				t.Fatal(err)
			}
			listed := false
			for _, r := range g.Rules() {
				listed = listed || r.ID == "POL-GOV-E201"
			}
			if listed != governance {
				t.Errorf("governance %v: POL-GOV-E201 listed in the report's rules: %v", governance, listed)
			}
		})
	}
	t.Run("exceptions expire by the gate's clock", func(t *testing.T) {
		objs := mustParse(t, "a.yaml", badDeployment)
		for _, tc := range []struct {
			expires string
			applies bool
		}{{"2027-03-31", true}, {"2027-03-30", false}} {
			g, err := gate(t, false, "strict", exception("POL-SEC-04", tc.expires))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := g.Run(ctx, objs)
			if err != nil {
				t.Fatal(err)
			}
			excepted, expired := false, false
			for _, f := range rep.Findings {
				excepted = excepted || f.Rule == "POL-SEC-04" && f.Excepted
				expired = expired || f.Rule == ExpiredRule.ID
			}
			if excepted != tc.applies || expired == tc.applies {
				t.Errorf("expires %s at %s: excepted %v, expiry warning %v", tc.expires, day.Format(time.DateOnly), excepted, expired)
			}
		}
	})
}

// TestRunParts: each part is judged with its own parameters, and the report gathers
// them, with the level applied once.
func TestRunParts(t *testing.T) {
	ctx := context.Background()
	engine, err := New(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	g, err := NewGate(ctx, GateConfig{Contract: assembleContract(), Now: now, Engine: engine, Level: LevelStrict})
	if err != nil {
		t.Fatal(err)
	}
	objs, err := ParseObjects("s.yaml", []byte(`apiVersion: v1
kind: ConfigMap
metadata:
  name: orders
  labels: {app.kubernetes.io/name: orders, app.kubernetes.io/instance: orders, app.kubernetes.io/version: "1",
    app.kubernetes.io/managed-by: floe, app.kubernetes.io/part-of: orders, app.kubernetes.io/component: workload,
    floe.dev/product: orders, floe.dev/environment: dev, floe.dev/mode: simple}
`))
	if err != nil {
		t.Fatal(err)
	}
	product := func(name string) Params { return Params{Environment: "dev", Product: name, Mode: "simple"} }
	rep, err := g.RunParts(ctx, []Part{{Objects: objs, Params: product("orders")}, {Objects: objs, Params: product("payments")}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Rule+": "+f.Message)
	}
	want := []string{
		`POL-LBL-01: metadata label app.kubernetes.io/instance is "orders" (want "payments")`,
		`POL-LBL-01: metadata label floe.dev/product is "orders" (want "payments")`,
	}
	if diff := cmp.Diff(want, got); diff != "" || rep.Deny != 2 || !rep.Denied() {
		t.Errorf("findings (-want +got):\n%s\ndeny %d", diff, rep.Deny)
	}
}
