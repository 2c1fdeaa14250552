package kustomize

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// DropTestHooks removes Helm test hooks (objects whose helm.sh/hook
// annotation lists test, test-success or test-failure) — the only objects
// floe post-render drops (D-PR-03): chart test pods carry no security
// context and fail the restricted profile.
type DropTestHooks struct{}

var _ kio.Filter = DropTestHooks{}

// Filter implements kio.Filter.
func (DropTestHooks) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	out := nodes[:0:0]
	for _, n := range nodes {
		if !isTestHook(n.YNode()) {
			out = append(out, n)
		}
	}
	return out, nil
}

// isTestHook reports whether obj is a Helm test hook.
func isTestHook(obj *yaml.Node) bool {
	hooks := ynScalar(ynPath(obj, "metadata", "annotations", "helm.sh/hook"))
	for h := range strings.SplitSeq(hooks, ",") {
		switch strings.TrimSpace(h) {
		case "test", "test-success", "test-failure":
			return true
		}
	}
	return false
}

// CronJobTimeZone sets spec.timeZone on selected CronJobs (D-PR-03: the
// product's schedule.timezone; Kubernetes ≥ 1.27).
type CronJobTimeZone struct {
	// TimeZone is an IANA zone name such as Europe/Berlin or UTC.
	TimeZone string `yaml:"timeZone"`
	// Selector limits the CronJobs touched; empty selects all.
	Selector string `yaml:"selector,omitempty"`
}

var _ kio.Filter = CronJobTimeZone{}

// Filter implements kio.Filter.
func (f CronJobTimeZone) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	if f.TimeZone == "" || strings.ContainsAny(f.TimeZone, " \t\n") || strings.HasPrefix(f.TimeZone, "/") || strings.Contains(f.TimeZone, "..") {
		return nil, fmt.Errorf("cron job time zone %q: not an IANA zone name", f.TimeZone)
	}
	err := eachWorkload(nodes, f.Selector, func(w workload) error {
		if ynScalar(ynGet(w.obj, "kind")) != "CronJob" {
			return nil
		}
		if spec := ynChildMap(w.obj, "spec", false); spec != nil {
			ynSetStr(spec, "timeZone", f.TimeZone)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nodes, nil
}
