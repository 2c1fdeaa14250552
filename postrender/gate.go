package postrender

import (
	"context"
	"fmt"
	"path"
	"time"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/policies"
)

// Enforcement levels (CLI.md `--enforcement`).
const (
	LevelOff    = "off"
	LevelWarn   = "warn"
	LevelStrict = "strict"
)

var levelRank = map[string]int{LevelOff: 0, LevelWarn: 1, LevelStrict: 2}

// Gate checks objects against the policies; *policies.Engine implements it.
type Gate interface {
	Check(ctx context.Context, objs []policies.Object, p policies.Params) ([]policies.Finding, error)
}

var _ Gate = (*policies.Engine)(nil)

// Level is the effective enforcement level: the highest of the platform Manifest's
// governance.policy_enforcement_level, the contract's policy.enforcement and the flag
// (which may raise the level, never lower it). Nothing set means warn.
func Level(c *config.Contract, m *config.Manifest, flag string) (string, error) {
	level := ""
	raise := func(l string) {
		if l != "" && levelRank[l] >= levelRank[level] {
			level = l
		}
	}
	if m != nil && m.Governance != nil {
		raise(m.Governance.PolicyEnforcementLevel)
	}
	if c != nil && c.Policy != nil {
		raise(c.Policy.Enforcement)
	}
	if flag != "" {
		if _, ok := levelRank[flag]; !ok {
			return "", fmt.Errorf("--enforcement %q: want off, warn or strict", flag)
		}
		raise(flag)
	}
	if level == "" {
		level = LevelWarn
	}
	return level, nil
}

// Report is the gate's verdict on one stream.
type Report struct {
	Level    string
	Findings []policies.Finding
	// Notes are warnings about the gate itself (expired exceptions).
	Notes []string
}

// Denied reports whether the stream may not be written: level strict and a deny
// finding no exception covers.
func (r *Report) Denied() bool {
	if r == nil || r.Level != LevelStrict {
		return false
	}
	for _, f := range r.Findings {
		if f.Severity == policies.Deny && !f.Excepted {
			return true
		}
	}
	return false
}

// Diagnostics lists the findings that are not excepted as located diagnostics: errors
// when they deny, warnings otherwise.
func (r *Report) Diagnostics() diag.List {
	if r == nil {
		return nil
	}
	var out diag.List
	for _, n := range r.Notes {
		out = append(out, diag.Diagnostic{Message: n, Severity: diag.Warning})
	}
	for _, f := range r.Findings {
		if f.Excepted {
			continue
		}
		sev := diag.Warning
		if r.Level == LevelStrict && f.Severity == policies.Deny {
			sev = diag.Error
		}
		res := f.Resource
		if f.Namespace != "" {
			res = f.Namespace + "/" + res
		}
		out = append(out, diag.Diagnostic{File: f.File, Line: f.Line, Path: res,
			Message: f.Rule + ": " + f.Message, Severity: sev})
	}
	return out
}

// judge applies the level and the contract's exceptions to raw findings.
// TODO(unify): policies will own level and exception handling for `floe check`; this
// is the same rule set (CLI.md "Policy exceptions") and should call it once exported.
func judge(level string, fs []policies.Finding, c *config.Contract, now time.Time) *Report {
	r := &Report{Level: level}
	var exc []config.PolicyException
	if c != nil && c.Policy != nil {
		exc = c.Policy.Exceptions
	}
	today := now.UTC().Format("2006-01-02")
	expired := map[int]bool{}
	for _, f := range fs {
		if level == LevelWarn && f.Severity == policies.Deny {
			f.Severity = policies.Warn
		}
		for i, e := range exc {
			if e.Rule != f.Rule || !matchAny(e.Resources, f.Resource) {
				continue
			}
			if e.Expires != "" && e.Expires < today {
				expired[i] = true
				continue
			}
			f.Excepted, f.ExceptionReason = true, e.Reason
			break
		}
		r.Findings = append(r.Findings, f)
	}
	for i, e := range exc {
		if expired[i] {
			r.Notes = append(r.Notes, fmt.Sprintf("contract policy.exceptions[%d] (%s) expired on %s and no longer applies", i, e.Rule, e.Expires))
		}
	}
	return r
}

// matchAny reports whether Kind/name matches one of the globs.
func matchAny(globs []string, res string) bool {
	for _, g := range globs {
		if ok, err := path.Match(g, res); err == nil && ok {
			return true
		}
	}
	return false
}
