package render

import (
	"context"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/config"
)

// Gate is the policy gate: the last stage before output. It sees exactly the objects and
// the canonical bytes that would be emitted and decides whether they may be. The OPA
// engine of package policies satisfies it (through an adapter, see NewEngine).
type Gate interface {
	Check(ctx context.Context, in GateInput) (*PolicyReport, error)
}

// GateInput is what the gate checks.
type GateInput struct {
	Objects     []*yaml.RNode // canonical order; the gate must not modify them
	YAML        []byte        // the canonical stream (findings may point at its lines)
	Contract    *config.Contract
	Manifest    *config.Manifest
	Product     *config.FloeSpec
	Runtime     string
	Enforcement string // off | warn | strict ("" = the Manifest/contract level)
	Now         time.Time
}

// PolicyReport is the gate's verdict; Findings follow `floe check --output json`.
type PolicyReport struct {
	Enforcement string    `json:"enforcement"`
	Denied      bool      `json:"denied"`
	Findings    []Finding `json:"findings"`
	Summary     Summary   `json:"summary"`
}

// Finding is one policy result.
type Finding struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"` // deny | warn
	Resource  string `json:"resource"` // Kind/name
	Namespace string `json:"namespace,omitempty"`
	Line      int    `json:"line,omitempty"` // in the rendered stream
	Message   string `json:"message"`
	Excepted  bool   `json:"excepted"`
}

// Summary counts findings.
type Summary struct {
	Deny     int `json:"deny"`
	Warn     int `json:"warn"`
	Excepted int `json:"excepted"`
}
