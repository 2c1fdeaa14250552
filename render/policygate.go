package render

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/policies"
)

// PolicyGate is the Gate backed by package policies: floe's built-in rego policies
// compiled once, plus each contract's policy.bundles (compiled once per distinct set of
// bundle files and cached), the effective level (Manifest governance level, raised by
// the contract's policy.enforcement and by GateInput.Enforcement) and the contract's
// policy.exceptions. Safe for concurrent use.
type PolicyGate struct {
	base *policies.Engine

	mu      sync.Mutex
	bundled map[[32]byte]*policies.Engine
}

var _ Gate = (*PolicyGate)(nil)

// NewPolicyGate compiles the built-in policies.
func NewPolicyGate(ctx context.Context) (*PolicyGate, error) {
	e, err := policies.New(ctx, policies.Options{})
	if err != nil {
		return nil, fmt.Errorf("policy gate: %w", err)
	}
	return &PolicyGate{base: e, bundled: map[[32]byte]*policies.Engine{}}, nil
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
	engine, err := g.engine(ctx, in.Root, in.Contract)
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

// engine is the compiled engine for the contract's bundles (the built-in one without).
func (g *PolicyGate) engine(ctx context.Context, root config.Root, c *config.Contract) (*policies.Engine, error) {
	if c.Policy == nil || len(c.Policy.Bundles) == 0 {
		return g.base, nil
	}
	mods, err := policies.ContractBundles(root, c)
	if err != nil {
		return nil, diag.Usage(err)
	}
	h := sha256.New()
	for _, m := range mods {
		fmt.Fprintf(h, "%d:%s%d:", len(m.Path), m.Path, len(m.Source))
		h.Write(m.Source)
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))
	g.mu.Lock()
	defer g.mu.Unlock()
	if e, ok := g.bundled[key]; ok {
		return e, nil
	}
	e, err := policies.New(ctx, policies.Options{ExtraBundles: mods})
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("%s: policy.bundles: %w", c.Source.Path, err))
	}
	g.bundled[key] = e
	return e, nil
}

// findingDiagnostics lists the findings no exception covers as diagnostics located in
// the rendered stream (policies.Diagnostics over the report's findings).
func findingDiagnostics(r *PolicyReport) diag.List { return policies.Diagnostics(r.Findings) }
