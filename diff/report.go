package diff

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/floe-dev/floe/internal/secretshape"
)

// Report is `floe diff --all`: every product whose render a change touches, compared
// between two revisions, with its policy delta.
type Report struct {
	Dir      string          `json:"dir"`  // the root-relative directory searched for products
	Base     string          `json:"base"` // "REV (commit 0123456789ab)"
	Head     string          `json:"head"` // "work tree", or as Base
	Summary  ReportSummary   `json:"summary"`
	Products []ProductReport `json:"products"` // whose render or policy verdict differs, by path
	// Expiring are the head contract's policy exceptions that expire within the
	// warning window (or have expired), soonest first.
	Expiring []ExpiringException `json:"expiringExceptions"`
	// ExpiryWindowDays is that window, in days.
	ExpiryWindowDays int `json:"expiryWindowDays"`
}

// ReportSummary counts the products found on either side.
type ReportSummary struct {
	Products int `json:"products"` // found under Dir on either side
	Differ   int `json:"differ"`   // len(Report.Products)
	Added    int `json:"added"`
	Removed  int `json:"removed"`
	Changed  int `json:"changed"`
	// SameRender is the products whose inputs changed but whose render and verdict did not.
	SameRender int `json:"sameRender"`
	// Unaffected is the products none of whose inputs changed: not rendered again.
	Unaffected int `json:"unaffected"`
}

// ProductReport is one product whose render (or policy verdict) differs.
type ProductReport struct {
	Path    string `json:"path"`    // root-relative product directory
	Runtime string `json:"runtime"` // the head's, or the base's when removed
	Change  Change `json:"change"`  // Added, Removed or Changed
	// Cause is the first input (in path order) whose content differs, when Changed.
	Cause string `json:"cause,omitempty"`
	// Highlights name what a reviewer looks at first: image, schedule, telemetry, lineage.
	Highlights []string    `json:"highlights"`
	Policy     PolicyDelta `json:"policy"`
	Diff       *Result     `json:"diff"`
}

// PolicyDelta is the gate's verdict on both sides and the findings the change adds and
// removes (excepted findings left out).
type PolicyDelta struct {
	Before  *Verdict        `json:"before"` // nil when the product is added
	After   *Verdict        `json:"after"`  // nil when the product is removed
	Added   []PolicyFinding `json:"added"`
	Removed []PolicyFinding `json:"removed"`
}

// Verdict is one side's gate result.
type Verdict struct {
	Level    string `json:"level"`
	Denied   bool   `json:"denied"`
	Deny     int    `json:"deny"`
	Warn     int    `json:"warn"`
	Excepted int    `json:"excepted"`
}

// PolicyFinding is not a second finding type: it is the key of a policies.Finding
// (review.findings projects one) without its position in the rendered stream (which
// moves with unrelated changes) and without the exception fields (excepted findings are
// left out of a delta). Comparable, so a delta is a set difference of keys.
type PolicyFinding struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Resource  string `json:"resource"`
	Namespace string `json:"namespace,omitempty"`
	Message   string `json:"message"`
}

// ExpiringException is a contract policy exception close to (or past) its expiry.
type ExpiringException struct {
	Rule      string   `json:"rule"`
	Resources []string `json:"resources"`
	Owner     string   `json:"owner"` // approvedBy
	Expires   string   `json:"expires"`
	DaysLeft  int      `json:"daysLeft"` // negative once expired
}

// String is "passed", "passed, 2 warnings", "denied: 1 deny, 2 warnings" (+ excepted).
func (v *Verdict) String() string {
	if v == nil {
		return "—"
	}
	s := "passed"
	if v.Denied {
		s = "denied: " + plural(v.Deny, "deny")
	} else if v.Deny > 0 {
		s += ", " + plural(v.Deny, "deny finding")
	}
	if v.Warn > 0 {
		s += ", " + plural(v.Warn, "warning")
	}
	if v.Excepted > 0 {
		s += fmt.Sprintf(", %d excepted", v.Excepted)
	}
	if v.Level != "" {
		s += " (level " + v.Level + ")"
	}
	return s
}

// Differs reports whether any product differs.
func (r *Report) Differs() bool { return len(r.Products) > 0 }

// WriteReportJSON writes r as indented JSON, in the shape of Report's fields.
func WriteReportJSON(w io.Writer, r *Report) error { return writeJSON(w, r) }

// headline is "2 of 50 products differ: 0 added, 0 removed, 2 changed; 1 renders the
// same; 47 unaffected".
func (r *Report) headline() string {
	s := r.Summary
	if s.Differ == 0 {
		return fmt.Sprintf("no product differs: %d of %s unaffected, %d render the same", s.Unaffected, plural(s.Products, "product"), s.SameRender)
	}
	return fmt.Sprintf("%d of %s differ: %d added, %d removed, %d changed; %d render the same; %d unaffected",
		s.Differ, plural(s.Products, "product"), s.Added, s.Removed, s.Changed, s.SameRender, s.Unaffected)
}

// objectCounts is "+1 −0 ~3 ↻0" of a product's diff.
func objectCounts(d *Result) string {
	if d == nil {
		return ""
	}
	s := d.Summary
	out := fmt.Sprintf("+%d −%d ~%d", s.Added, s.Removed, s.Changed)
	if s.Renamed > 0 {
		out += fmt.Sprintf(" ↻%d", s.Renamed)
	}
	return out
}

// policyLines are a product's policy delta as diff lines: the verdicts, then each added
// (+) and removed (-) finding, secret-shaped text redacted.
func policyLines(p PolicyDelta) []string {
	lines := []string{"policy: " + p.Before.String() + " → " + p.After.String()}
	for _, f := range p.Added {
		lines = append(lines, "+ "+findingLine(f))
	}
	for _, f := range p.Removed {
		lines = append(lines, "- "+findingLine(f))
	}
	return lines
}

func findingLine(f PolicyFinding) string {
	res := f.Resource
	if f.Namespace != "" {
		res = f.Namespace + "/" + res
	}
	return clean(secretshape.Redact(fmt.Sprintf("%s %s %s: %s", f.Severity, f.Rule, res, f.Message)))
}

// productTitle is "products/p01 (dagster): changed, because platform/pec.yaml changed".
func productTitle(p ProductReport) string {
	s := safe(shown(p.Path)) + " (" + safe(p.Runtime) + "): " + string(p.Change)
	if p.Cause != "" {
		s += ", because " + safe(shown(p.Cause)) + " changed"
	}
	return s
}

// productLines are the body of one product: highlights, the policy delta, then every
// differing object and its fields (as WriteText prints them).
func productLines(p ProductReport) []string {
	var lines []string
	if len(p.Highlights) > 0 {
		lines = append(lines, "highlights: "+strings.Join(p.Highlights, ", "))
	}
	lines = append(lines, policyLines(p.Policy)...)
	if p.Diff != nil {
		lines = append(lines, "objects: "+summaryLine(p.Diff.Summary))
		for _, o := range p.Diff.Objects {
			lines = append(lines, marker(o.Change)+" "+title(o)+": "+describe(o, false))
			for _, f := range o.Fields {
				for _, l := range fieldLines(f) {
					lines = append(lines, "    "+l)
				}
			}
		}
	}
	return lines
}

// expiringLine is "POL-SEC-03 Deployment/x*: expires 2026-12-20 (in 18 days), owner a@b".
func expiringLine(e ExpiringException) string {
	when := fmt.Sprintf("in %d days", e.DaysLeft)
	switch {
	case e.DaysLeft == 0:
		when = "today"
	case e.DaysLeft == 1:
		when = "tomorrow"
	case e.DaysLeft < 0:
		when = fmt.Sprintf("expired %d days ago", -e.DaysLeft)
	}
	return clean(secretshape.Redact(fmt.Sprintf("%s %s: expires %s (%s), owner %s", e.Rule, strings.Join(e.Resources, ","), e.Expires, when, e.Owner)))
}

// shown is a name from the repository (a path, a revision) as printed: anything shaped
// like a secret redacted, as in every other message.
func shown(s string) string { return secretshape.Redact(s) }

// WriteReportText writes r for a terminal or a log: the headline, then each product's
// title and lines, then the exceptions expiring soon.
func WriteReportText(w io.Writer, r *Report, color bool) error {
	p := painter(color)
	var b bytes.Buffer
	fmt.Fprintf(&b, "floe diff --all %s: %s → %s\n%s\n", safe(shown(r.Dir)), clean(shown(r.Base)), clean(shown(r.Head)), r.headline())
	for _, pr := range r.Products {
		b.WriteString("\n")
		b.WriteString(p.paint(ansiBold+changeColor(pr.Change), "== "+productTitle(pr)))
		b.WriteString("\n")
		for _, l := range productLines(pr) {
			b.WriteString("  ")
			b.WriteString(p.paintLine(l))
			b.WriteByte('\n')
		}
	}
	if len(r.Expiring) > 0 {
		fmt.Fprintf(&b, "\npolicy exceptions expiring within %d days:\n", r.ExpiryWindowDays)
		for _, e := range r.Expiring {
			b.WriteString("  " + expiringLine(e) + "\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}
