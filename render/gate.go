package render

import (
	"context"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/policies"
)

// Gate is the policy gate: the last stage before output. It sees exactly the objects and
// the canonical bytes that would be emitted and decides whether they may be.
// PolicyGate (package policies' OPA engine) is the one floe uses.
type Gate interface {
	Check(ctx context.Context, in GateInput) (*PolicyReport, error)
}

// GateInput is what the gate checks, and the render's derived values it checks against.
type GateInput struct {
	Objects     []*yaml.RNode // canonical order; the gate must not modify them
	YAML        []byte        // the canonical stream (findings point at its lines)
	Root        config.Root   // for the contract's policy.bundles
	Contract    *config.Contract
	Manifest    *config.Manifest
	Product     *config.FloeSpec
	Runtime     string
	Enforcement string // off | warn | strict: raises, never lowers, the Manifest/contract level
	Now         time.Time

	// EgressPorts are the D-RND-18 NetworkPolicy's ports; nil without network policies.
	// The product's mode, lineage setting and lineage namespace the gate derives itself
	// (policies.GateParams), as every door does.
	EgressPorts []int
}

// PolicyReport is the gate's verdict; Findings follow `floe check --output json`.
type PolicyReport struct {
	Level    string    `json:"level"` // the effective enforcement level
	Denied   bool      `json:"denied"`
	Findings []Finding `json:"findings"`
	Summary  Summary   `json:"summary"`
	// Fidelity labels the governance (POL-GOV) results as D-GATE-06 asks: "synthetic" (the
	// dbt manifest Floe synthesises from floe.yaml) when they ran; empty when not.
	Fidelity string `json:"fidelity,omitempty"`
}

// Finding is one policy result: the gate's own (policies.Finding), one type for every
// door.
type Finding = policies.Finding

// Summary counts findings.
type Summary struct {
	Deny     int `json:"deny"`
	Warn     int `json:"warn"`
	Excepted int `json:"excepted"`
}
