package policies

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

// Enforcement levels (Manifest governance.policy_enforcement_level, contract
// policy.enforcement, --enforcement). Higher levels are stricter.
const (
	LevelOff    = "off"    // nothing is evaluated
	LevelWarn   = "warn"   // everything is reported as a warning; the gate passes
	LevelStrict = "strict" // any deny finding that is not excepted fails the gate
)

var levelRank = map[string]int{LevelOff: 0, LevelWarn: 1, LevelStrict: 2}

// CheckLevel reports whether s is a valid enforcement level ("" is allowed: unset).
func CheckLevel(s string) error {
	if _, ok := levelRank[s]; ok || s == "" {
		return nil
	}
	return fmt.Errorf("enforcement level %q is not off, warn or strict", s)
}

// Effective is the enforcement level in force. levels[0] is the platform Manifest's
// level ("" means the Manifest sets none: warn); every later level (the contract's
// policy.enforcement, --enforcement) can only raise it, "" leaving it as it is.
// Invalid levels are ignored; validate them first with CheckLevel.
func Effective(levels ...string) string {
	level := LevelWarn
	if len(levels) > 0 {
		if _, ok := levelRank[levels[0]]; ok {
			level = levels[0]
		}
		levels = levels[1:]
	}
	for _, l := range levels {
		if r, ok := levelRank[l]; ok && r > levelRank[level] {
			level = l
		}
	}
	return level
}

// Exception lets the resources matching one of its globs pass one rule until it
// expires (contract policy.exceptions; D-GATE-03).
type Exception struct {
	Rule       string
	Resources  []string // Kind/name globs (path.Match syntax)
	Reason     string
	ApprovedBy string
	Expires    string // YYYY-MM-DD, inclusive; "" never expires
	File       string // where the exception is declared, for the expiry warning
	Line       int
	Path       string // its field path, e.g. policy.exceptions[0]
}

// ExpiredRule is the gate's own rule: an exception that has expired.
var ExpiredRule = Rule{
	ID:          "POL-EXC-01",
	Title:       "Policy exception has expired",
	Severity:    Warn,
	Remediation: "Renew the exception in the contract (policy.exceptions[].expires) after a new review, or fix the findings it covered and remove it.",
	Package:     "floe (gate)",
}

// Gate applies an enforcement level and the contract's exceptions to findings. Doors
// build it with NewGate, which also gives it the engine, the rules and the parameters
// Run checks with; a bare Gate only applies (Apply) and validates (Validate).
type Gate struct {
	Level      string // off | warn | strict (see Effective)
	Exceptions []Exception
	Now        time.Time // injected: exceptions expire relative to it

	engine     Checker
	rules      []Rule    // the rules the report lists
	params     Params    // what the policies compare against
	governance []Finding // Floe's compile-time findings on the product
}

// Report is the outcome of a gated check.
type Report struct {
	Level    string
	Findings []Finding // sorted; excepted ones included, marked
	Rules    []Rule    // every rule that could report (for SARIF), sorted by ID
	Deny     int       // non-excepted deny findings
	Warn     int       // non-excepted warn findings
	Excepted int
}

// Denied reports whether the gate says no: a deny finding survived (only at strict).
func (r Report) Denied() bool { return r.Deny > 0 }

// Validate checks the exceptions (rule known when known is non-nil, resources
// present and valid globs, a reason, a valid date) and reports every problem.
func (g Gate) Validate(known map[string]bool) error {
	var errs []error
	for i, e := range g.Exceptions {
		where := e.Path
		if where == "" {
			where = fmt.Sprintf("policy.exceptions[%d]", i)
		}
		if e.File != "" {
			if e.Line > 0 {
				where = fmt.Sprintf("%s:%d: %s", e.File, e.Line, where)
			} else {
				where = e.File + ": " + where
			}
		}
		switch {
		case e.Rule == "":
			errs = append(errs, fmt.Errorf("%s.rule: missing", where))
		case known != nil && !known[e.Rule]:
			errs = append(errs, fmt.Errorf("%s.rule: unknown rule %q", where, e.Rule))
		}
		if len(e.Resources) == 0 {
			errs = append(errs, fmt.Errorf("%s.resources: missing (list Kind/name globs)", where))
		}
		for j, r := range e.Resources {
			if _, err := path.Match(r, ""); err != nil || !strings.Contains(r, "/") {
				errs = append(errs, fmt.Errorf("%s.resources[%d]: %q is not a Kind/name glob", where, j, r))
			}
		}
		if strings.TrimSpace(e.Reason) == "" {
			errs = append(errs, fmt.Errorf("%s.reason: missing", where))
		}
		if e.Expires != "" {
			if _, err := time.Parse(time.DateOnly, e.Expires); err != nil {
				errs = append(errs, fmt.Errorf("%s.expires: %q is not a YYYY-MM-DD date", where, e.Expires))
			}
		}
	}
	return errors.Join(errs...)
}

// expired reports whether e no longer applies on g.Now's date (UTC); the expiry date
// itself is still covered.
func (g Gate) expired(e Exception) bool {
	if e.Expires == "" {
		return false
	}
	return g.Now.UTC().Format(time.DateOnly) > e.Expires
}

func matches(e Exception, f Finding) bool {
	if e.Rule != f.Rule {
		return false
	}
	for _, glob := range e.Resources {
		if ok, err := path.Match(glob, f.Resource); err == nil && ok {
			return true
		}
	}
	return false
}

// Apply turns raw findings into the gate's report: at level off nothing is reported;
// live exceptions mark the findings they cover; expired exceptions apply no more and
// each adds a warning (POL-EXC-01); at level warn every deny becomes a warning.
func (g Gate) Apply(raw []Finding, rules []Rule) Report {
	level := Effective(g.Level)
	r := Report{Level: level, Rules: append(append([]Rule(nil), rules...), ExpiredRule), Findings: []Finding{}}
	sortRules(r.Rules)
	if level == LevelOff {
		return r
	}
	for _, f := range raw {
		for _, e := range g.Exceptions {
			if !g.expired(e) && matches(e, f) {
				f.Excepted, f.ExceptionReason = true, e.Reason
				break
			}
		}
		r.Findings = append(r.Findings, f)
	}
	for i, e := range g.Exceptions {
		if !g.expired(e) {
			continue
		}
		where := e.Path
		if where == "" {
			where = fmt.Sprintf("policy.exceptions[%d]", i)
		}
		r.Findings = append(r.Findings, Finding{
			Rule: ExpiredRule.ID, Title: ExpiredRule.Title, Severity: Warn, Remediation: ExpiredRule.Remediation,
			Resource: where, File: e.File, Line: e.Line,
			Message: fmt.Sprintf("the exception for %s on %s (approved by %s) expired on %s and no longer applies",
				e.Rule, strings.Join(e.Resources, ", "), orUnknown(e.ApprovedBy), e.Expires),
		})
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if level == LevelWarn {
			f.Severity = Warn
		}
		switch {
		case f.Excepted:
			r.Excepted++
		case f.Severity == Deny:
			r.Deny++
		default:
			r.Warn++
		}
	}
	SortFindings(r.Findings)
	return r
}

func orUnknown(s string) string {
	if s == "" {
		return "nobody recorded"
	}
	return s
}
