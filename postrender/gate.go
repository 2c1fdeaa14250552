package postrender

import (
	"context"
	"fmt"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/policies"
)

// Gate checks objects against the policies; *policies.Engine implements it.
type Gate interface {
	Check(ctx context.Context, objs []policies.Object, p policies.Params) ([]policies.Finding, error)
	Rules() []policies.Rule
}

var _ Gate = (*policies.Engine)(nil)

// Level is the effective enforcement level (policies.Effective): the platform
// Manifest's governance.policy_enforcement_level (unset: warn), raised — never
// lowered — by the contract's policy.enforcement and then by the flag.
func Level(c *config.Contract, m *config.Manifest, flag string) (string, error) {
	if err := policies.CheckLevel(flag); err != nil {
		return "", fmt.Errorf("--enforcement: %w", err)
	}
	var levels [3]string
	if m != nil && m.Governance != nil {
		levels[0] = m.Governance.PolicyEnforcementLevel
	}
	if c != nil && c.Policy != nil {
		levels[1] = c.Policy.Enforcement
	}
	levels[2] = flag
	return policies.Effective(levels[:]...), nil
}

// Exceptions converts the contract's policy.exceptions, located in the contract file.
func Exceptions(c *config.Contract) []policies.Exception {
	if c == nil || c.Policy == nil {
		return nil
	}
	out := make([]policies.Exception, len(c.Policy.Exceptions))
	for i, e := range c.Policy.Exceptions {
		p := fmt.Sprintf("policy.exceptions[%d]", i)
		x := policies.Exception{Rule: e.Rule, Resources: e.Resources, Reason: e.Reason, ApprovedBy: e.ApprovedBy,
			Expires: e.Expires, Path: p}
		if c.Source != nil {
			x.File = c.Source.Path
			x.Line, _ = c.Source.Pos(p)
		}
		out[i] = x
	}
	return out
}

// Diagnostics lists a report's findings that no exception covers as located
// diagnostics: errors when they deny, warnings otherwise.
func Diagnostics(r *policies.Report) diag.List {
	if r == nil {
		return nil
	}
	var out diag.List
	for _, f := range r.Findings {
		if f.Excepted {
			continue
		}
		sev := diag.Warning
		if f.Severity == policies.Deny {
			sev = diag.Error
		}
		res := f.Resource
		if f.Namespace != "" {
			res = f.Namespace + "/" + res
		}
		col := 0
		if f.Line > 0 {
			col = 1
		}
		out = append(out, diag.Diagnostic{File: f.File, Line: f.Line, Col: col, Path: res,
			Message: f.Rule + ": " + f.Message, Severity: sev})
	}
	return out
}
