package review

import (
	"fmt"
	"slices"
	"strings"

	"github.com/floe-dev/floe/diff"
	"github.com/floe-dev/floe/render"
)

// compare is one rendered product's report entry; nil when neither its render nor its
// verdict differs between the sides.
func compare(p *product, opts Options) (*diff.ProductReport, error) {
	res, err := diff.Compare(opts.BaseName+":"+p.path, p.base.yaml, opts.HeadName+":"+p.path, p.head.yaml)
	if err != nil {
		return nil, fmt.Errorf("diff --all: %s: a render is not a manifest stream (a bug): %w", p.path, err)
	}
	pr := &diff.ProductReport{Path: p.path, Runtime: p.head.runtime, Change: diff.Changed, Cause: p.cause, Diff: res,
		Policy: policyDelta(p.base.verdict, p.head.verdict)}
	switch {
	case !p.onBase:
		pr.Change, pr.Cause = diff.Added, ""
	case !p.onHead:
		pr.Change, pr.Cause, pr.Runtime = diff.Removed, "", p.base.runtime
	case !res.Differs() && sameVerdict(pr.Policy):
		return nil, nil
	}
	pr.Highlights = highlights(res)
	return pr, nil
}

// sameVerdict reports whether the gate said the same thing on both sides.
func sameVerdict(d diff.PolicyDelta) bool {
	if len(d.Added) > 0 || len(d.Removed) > 0 || (d.Before == nil) != (d.After == nil) {
		return false
	}
	return d.Before == nil || *d.Before == *d.After
}

// policyDelta is the verdicts of both sides (nil for a side without a report) and the
// findings the change adds and removes; excepted findings are left out.
func policyDelta(before, after *render.PolicyReport) diff.PolicyDelta {
	b, bset := findings(before)
	a, aset := findings(after)
	d := diff.PolicyDelta{Before: verdict(before), After: verdict(after), Added: []diff.PolicyFinding{}, Removed: []diff.PolicyFinding{}}
	for _, f := range a {
		if !bset[f] {
			d.Added = append(d.Added, f)
		}
	}
	for _, f := range b {
		if !aset[f] {
			d.Removed = append(d.Removed, f)
		}
	}
	return d
}

func verdict(r *render.PolicyReport) *diff.Verdict {
	if r == nil {
		return nil
	}
	return &diff.Verdict{Level: r.Level, Denied: r.Denied, Deny: r.Summary.Deny, Warn: r.Summary.Warn, Excepted: r.Summary.Excepted}
}

// findings are a report's live findings without their positions, sorted, each once.
func findings(r *render.PolicyReport) ([]diff.PolicyFinding, map[diff.PolicyFinding]bool) {
	set := map[diff.PolicyFinding]bool{}
	if r == nil {
		return nil, set
	}
	var out []diff.PolicyFinding
	for _, f := range r.Findings {
		if f.Excepted {
			continue
		}
		pf := diff.PolicyFinding{Rule: f.Rule, Severity: f.Severity, Resource: f.Resource, Namespace: f.Namespace, Message: f.Message}
		if !set[pf] {
			set[pf] = true
			out = append(out, pf)
		}
	}
	slices.SortFunc(out, func(x, y diff.PolicyFinding) int {
		for _, c := range [][2]string{{x.Rule, y.Rule}, {x.Namespace, y.Namespace}, {x.Resource, y.Resource}, {x.Severity, y.Severity}, {x.Message, y.Message}} {
			if n := strings.Compare(c[0], c[1]); n != 0 {
				return n
			}
		}
		return 0
	})
	return out, set
}

// highlights name what a reviewer reads first in a product's diff: a changed image, a
// changed schedule (a CronJob's or the recorded floe.dev/schedule annotations), telemetry
// (OTEL_* variables, the telemetry ConfigMap) and lineage (OPENLINEAGE_* variables, the
// lineage-namespace annotation).
func highlights(res *diff.Result) []string {
	found := map[string]bool{}
	for _, o := range res.Objects {
		if o.Kind == "CronJob" && o.Change != diff.Changed {
			found["schedule"] = true
		}
		for _, f := range o.Fields {
			p := f.Path
			switch {
			case strings.HasSuffix(p, ".image") || strings.Contains(p, "].image"):
				found["image"] = true
			case strings.Contains(p, "floe.dev/schedule") || (o.Kind == "CronJob" && (strings.HasPrefix(p, "spec.schedule") || strings.HasPrefix(p, "spec.timeZone") || strings.HasPrefix(p, "spec.suspend"))):
				found["schedule"] = true
			case strings.Contains(p, "name=OPENLINEAGE_") || strings.Contains(p, "lineage"):
				found["lineage"] = true
			case strings.Contains(p, "name=OTEL_") || strings.HasSuffix(o.Name, "-telemetry"):
				found["telemetry"] = true
			}
		}
	}
	out := []string{}
	for _, h := range []string{"image", "schedule", "telemetry", "lineage"} {
		if found[h] {
			out = append(out, h)
		}
	}
	return out
}
