package render

import (
	"context"
	"fmt"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/policies"
)

// PolicyGate is the Gate backed by package policies: floe's built-in rego policies
// compiled once, plus each contract's policy.bundles (compiled once per distinct set of
// bundle files: policies.Engines), assembled by policies.NewGate like every door's gate.
// Safe for concurrent use.
type PolicyGate struct {
	engines *policies.Engines
}

var _ Gate = (*PolicyGate)(nil)

// NewPolicyGate compiles the built-in policies.
func NewPolicyGate(ctx context.Context) (*PolicyGate, error) {
	es, err := policies.NewEngines(ctx)
	if err != nil {
		return nil, err
	}
	return &PolicyGate{engines: es}, nil
}

// Check implements Gate.
func (g *PolicyGate) Check(ctx context.Context, in GateInput) (*PolicyReport, error) {
	objs, err := gateObjects(in)
	if err != nil {
		return nil, err
	}
	return g.check(ctx, in, objs)
}

// gateObjects reads the rendered stream back for the gate. It needs no compiled policy,
// so a pendingGate does it while the policies are still compiling.
func gateObjects(in GateInput) ([]policies.Object, error) {
	objs, err := policies.ParseObjects(renderedFile, in.YAML)
	if err != nil {
		return nil, fmt.Errorf("re-reading the output for the gate: %w", err)
	}
	return objs, nil
}

func (g *PolicyGate) check(ctx context.Context, in GateInput, objs []policies.Object) (*PolicyReport, error) {
	engine, err := g.engines.For(ctx, in.Root, in.Contract)
	if err != nil {
		return nil, err
	}
	// The rego policies judge the output; Floe's compile-time rules (POL-GOV) the
	// product's transforms.
	gate, err := policies.NewGate(ctx, policies.GateConfig{Contract: in.Contract, Manifest: in.Manifest,
		Product: in.Product, Level: in.Enforcement, Now: in.Now, Engine: engine,
		Governance: true, EgressPorts: in.EgressPorts})
	if err != nil {
		return nil, err
	}
	rep, err := gate.Run(ctx, objs)
	if err != nil {
		return nil, err
	}
	out := &PolicyReport{Level: rep.Level, Denied: rep.Denied(), Findings: rep.Findings,
		Summary: Summary{Deny: rep.Deny, Warn: rep.Warn, Excepted: rep.Excepted}}
	if rep.Level != policies.LevelOff && in.Manifest != nil && in.Manifest.Governance != nil {
		out.Fidelity = "synthetic"
	}
	return out, nil
}

// renderedFile names the rendered stream in findings and diagnostics.
const renderedFile = "(rendered)"

// findingDiagnostics lists the findings no exception covers as diagnostics located in
// the rendered stream (policies.Diagnostics over the report's findings).
func findingDiagnostics(r *PolicyReport) diag.List { return policies.Diagnostics(r.Findings) }
