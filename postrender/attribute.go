package postrender

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/kustomize"
	"github.com/floe-dev/floe/policies"
	"github.com/floe-dev/floe/wiring"
)

// Gate parts other than a product's (a product's part is its name, which these are
// not: product names cannot start with a space).
const (
	partPlatform     = " platform"
	partUnattributed = " unattributed"
)

// group is a set of owned objects that get the same identity.
type group struct {
	part  string // the gate part: a product name, partPlatform or partUnattributed
	plan  plan
	sa    string // service account the pods run as ("" leaves it)
	nodes []*yaml.RNode
}

// attribute sorts the owned objects into groups of one identity each. With a product
// (one product's chart) every object is the product's. Otherwise (a platform chart,
// D-PR-05, D-PR-06) a Dagster code location's objects go to the product Locations maps
// it to — an unmapped one is an error when MapLocations is set, else left
// unattributed with a warning —, every other workload is a platform component named
// by componentOf, and the remaining objects are the platform's.
func (r *Renderer) attribute(kept []*yaml.RNode, where map[*yaml.Node]string) ([]*group, diag.List, error) {
	if r.opts.Product != nil {
		return []*group{{part: r.w.Product, plan: r.w, nodes: kept}}, nil, nil
	}
	byKey := map[string]*group{}
	var order []*group
	add := func(key string, n *yaml.RNode, mk func() *group) {
		g, ok := byKey[key]
		if !ok {
			g = mk()
			byKey[key] = g
			order = append(order, g)
		}
		g.nodes = append(g.nodes, n)
	}
	var unmapped []string
	unattributed := map[string]bool{}
	for _, n := range kept {
		if loc, ok := locationOf(n); ok {
			p, mapped := r.opts.Locations[loc]
			switch {
			case mapped:
				name := p.Metadata.Name
				add("product "+name, n, func() *group {
					return &group{part: name, plan: r.products[name], sa: r.opts.Contract.Access.ServiceAccount}
				})
			case r.opts.MapLocations:
				unmapped = append(unmapped, fmt.Sprintf("%s: %s/%s: Dagster code location %q is not attributed to a product: map it with --product %s=PATH, or name a product %q under --products DIR",
					where[n.YNode()], n.GetKind(), n.GetName(), loc, loc, loc))
			default:
				unattributed[loc] = true
				add("unattributed", n, func() *group { return &group{part: partUnattributed, plan: r.platform} })
			}
			continue
		}
		if w, ok := kustomize.FindWorkload(n); ok {
			c := componentOf(n, w)
			add("component "+c, n, func() *group {
				return &group{part: partPlatform, plan: derivePlatform(r.opts.Contract, r.opts.Manifest, c)}
			})
			continue
		}
		add("platform", n, func() *group { return &group{part: partPlatform, plan: r.platform} })
	}
	if len(unmapped) > 0 {
		return nil, nil, diag.Usage(errors.New(strings.Join(unmapped, "\n")))
	}
	var notes diag.List
	if len(unattributed) > 0 {
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range unattributed {
				if !yield(k) {
					return
				}
			}
		})
		shown := names
		if len(shown) > 5 {
			shown = shown[:5]
		}
		more := ""
		if len(names) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(names)-len(shown))
		}
		notes = append(notes, diag.Diagnostic{File: "stdin", Severity: diag.Warning, Message: fmt.Sprintf(
			"%d Dagster code location(s) not attributed to a product (%s%s): they carry no product identity; map them with --product NAME=PATH or --products DIR",
			len(names), strings.Join(shown, ", "), more)})
	}
	return order, notes, nil
}

// apply gives one group its identity: labels and annotations (Job and CronJob pods
// the job pod labels), resource attributes, the contract's service account for a
// product's pods, the telemetry env (a Dagster user deployment the chart gave no
// container context keeps none, D-PR-08) and the run context of its code servers.
func (r *Renderer) apply(g *group) error {
	var jobs, others []*yaml.RNode
	for _, n := range g.nodes {
		if k := n.GetKind(); g.plan.JobPodLabels != nil && (k == "Job" || k == "CronJob") {
			jobs = append(jobs, n)
		} else {
			others = append(others, n)
		}
	}
	p := g.plan
	if _, err := (kustomize.Labels{Labels: p.Labels, Annotations: p.Annos, PodLabels: p.PodLabels}).Filter(others); err != nil {
		return err
	}
	if _, err := (kustomize.Labels{Labels: p.Labels, Annotations: p.Annos, PodLabels: p.JobPodLabels}).Filter(jobs); err != nil {
		return err
	}
	if _, err := (resourceAttrs{Attrs: p.Attrs}).Filter(g.nodes); err != nil {
		return err
	}
	if g.sa != "" {
		if _, err := (kustomize.ServiceAccount{Name: g.sa}).Filter(g.nodes); err != nil {
			return err
		}
	}
	var keep, extend []*yaml.RNode
	for _, n := range g.nodes {
		if officialUserDeployment(n) {
			keep = append(keep, n)
		} else {
			extend = append(extend, n)
		}
	}
	tel := kustomize.Telemetry{
		Enforce:  p.Enforce,
		Defaults: append(append([]kustomize.EnvVar(nil), p.Defaults...), kustomize.EnvVar{Name: "OTEL_RESOURCE_ATTRIBUTES", Value: wiring.AttrsValue(p.Attrs)}),
	}
	if _, err := tel.Filter(extend); err != nil {
		return err
	}
	tel.KeepContextAbsent = true
	if _, err := tel.Filter(keep); err != nil {
		return err
	}
	// D-RND-24: the runs Dagster launches from a code server get what the hardened
	// code server has, with the group's run labels; the gate judges them.
	_, err := (kustomize.DagsterRunContext{Labels: p.runLabels()}).Filter(g.nodes)
	return err
}

// gateParts splits the judged objects into the gate's parts, each with its
// parameters: a product's objects are judged as that product's, with the contract's
// service account, registry and tag policy (post-render set the first, the chart's
// values the others); the platform's components as the platform's (D-GATE-10);
// unattributed code locations without a product.
func (r *Renderer) gateParts(cfg policies.GateConfig, t transformed, picked []int, objs []policies.Object) []policies.Part {
	index := map[string]int{}
	var parts []policies.Part
	contract := policies.ContractParams(r.opts.Contract)
	for k, i := range picked {
		key := t.parts[t.nodes[i].YNode()]
		j, ok := index[key]
		if !ok {
			c := cfg
			switch key {
			case partPlatform, partUnattributed:
				c.Product = nil
			default:
				c.Product = r.specs[key]
			}
			p := policies.GateParams(c)
			switch key {
			case partPlatform:
				p.Platform = true
			case partUnattributed:
			default:
				p.ServiceAccount, p.Registry, p.TagPolicy = contract.ServiceAccount, contract.Registry, contract.TagPolicy
			}
			j = len(parts)
			index[key] = j
			parts = append(parts, policies.Part{Params: p})
		}
		parts[j].Objects = append(parts[j].Objects, objs[k])
	}
	return parts
}
