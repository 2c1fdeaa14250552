package policies

import (
	"fmt"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

// ContractLevel is the effective enforcement level: the platform Manifest's
// governance.policy_enforcement_level (unset: warn), raised — never lowered — by the
// contract's policy.enforcement and then by the --enforcement flag. m may be nil.
func ContractLevel(c *config.Contract, m *config.Manifest, flag string) (string, error) {
	if err := CheckLevel(flag); err != nil {
		return "", fmt.Errorf("--enforcement: %w", err)
	}
	var manifest, contract string
	if m != nil && m.Governance != nil {
		manifest = m.Governance.PolicyEnforcementLevel
	}
	if c != nil && c.Policy != nil {
		contract = c.Policy.Enforcement
	}
	return Effective(manifest, contract, flag), nil
}

// Diagnostics lists the findings no exception covers as located diagnostics (the
// resource, with its namespace, as the path): errors when they deny, warnings otherwise.
func Diagnostics(findings []Finding) diag.List {
	var out diag.List
	for _, f := range findings {
		if f.Excepted {
			continue
		}
		sev := diag.Warning
		if f.Severity == Deny {
			sev = diag.Error
		}
		res := f.Resource
		if f.Namespace != "" {
			res = f.Namespace + "/" + res
		}
		d := diag.Diagnostic{File: f.File, Line: f.Line, Path: res, Message: f.Rule + ": " + f.Message, Severity: sev}
		if f.Line > 0 {
			d.Col = 1
		}
		out = append(out, d)
	}
	return out
}

// ContractParams are the parameters a contract alone gives: namespace, service account,
// registry, image tag policy and environment. Product fields stay empty.
func ContractParams(c *config.Contract) Params {
	return Params{
		Namespace:      c.Environment.Kubernetes.Namespace,
		ServiceAccount: c.Access.ServiceAccount,
		Registry:       c.Runtime.ArtifactRegistry,
		TagPolicy:      c.Runtime.ImageTagPolicy,
		Environment:    c.Environment.Name,
	}
}

// ContractExceptions converts the contract's policy.exceptions, each located in the
// contract file (for the expiry warning).
func ContractExceptions(c *config.Contract) []Exception {
	if c == nil || c.Policy == nil {
		return nil
	}
	out := make([]Exception, len(c.Policy.Exceptions))
	for i, e := range c.Policy.Exceptions {
		p := fmt.Sprintf("policy.exceptions[%d]", i)
		x := Exception{Rule: e.Rule, Resources: e.Resources, Reason: e.Reason, ApprovedBy: e.ApprovedBy, Expires: e.Expires, Path: p}
		if c.Source != nil {
			x.File = c.Source.Path
			x.Line, _ = c.Source.Pos(p)
		}
		out[i] = x
	}
	return out
}
