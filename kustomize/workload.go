package kustomize

import (
	"fmt"

	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Workload is an object that carries a pod template, as found by FindWorkload.
type Workload struct {
	// Object is the whole object.
	Object *yaml.RNode
	// Template holds the pod's metadata and spec: spec.template of a
	// Deployment, spec.jobTemplate.spec.template of a CronJob, the object
	// itself for a Pod.
	Template *yaml.RNode
	// Spec is the pod spec (containers, initContainers, securityContext, …).
	Spec *yaml.RNode
}

// FindWorkload locates the pod template of obj: Pod, Deployment, StatefulSet,
// DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate, and
// any other kind whose containers sit at one of yaml.ConventionalContainerPaths.
func FindWorkload(obj *yaml.RNode) (Workload, bool) {
	w, ok := findWorkload(obj.YNode())
	if !ok {
		return Workload{}, false
	}
	return Workload{Object: obj, Template: yaml.NewRNode(w.tmpl), Spec: yaml.NewRNode(w.spec)}, true
}

// Containers returns the pod's containers followed by its initContainers.
func (w Workload) Containers() []*yaml.RNode {
	var out []*yaml.RNode
	ww := workload{obj: w.Object.YNode(), tmpl: w.Template.YNode(), spec: w.Spec.YNode()}
	_ = ww.eachContainer(func(c *yaml.Node, _ bool) error {
		out = append(out, yaml.NewRNode(c))
		return nil
	})
	return out
}

// MatchSelector reports whether a Kubernetes label selector (e.g.
// "app.kubernetes.io/instance=customer-360,component!=web") matches obj's
// labels or, for a workload, its pod template's labels. An empty selector
// matches everything.
func MatchSelector(selector string, obj *yaml.RNode) (bool, error) {
	sel, err := parseSelector(selector)
	if err != nil {
		return false, err
	}
	o := obj.YNode()
	w, ok := findWorkload(o)
	if !ok {
		return selects(sel, o, nil), nil
	}
	return selects(sel, o, &w), nil
}

// workload is the raw-node form of Workload used inside the filters.
type workload struct {
	obj, tmpl, spec *yaml.Node
}

// podTemplatePaths are the pod-template locations for kinds that are not
// known by name, derived from yaml.ConventionalContainerPaths: the template is
// the parent of the pod spec, the pod spec the parent of "containers".
var podTemplatePaths = func() [][]string {
	var out [][]string
	for _, p := range yaml.ConventionalContainerPaths {
		if len(p) < 2 || p[len(p)-1] != "containers" || p[len(p)-2] != "spec" {
			continue
		}
		out = append(out, p[:len(p)-2])
	}
	return out
}()

// findWorkload locates the pod template and pod spec of obj.
func findWorkload(obj *yaml.Node) (workload, bool) {
	if !ynIsMap(obj) {
		return workload{}, false
	}
	var tmpl *yaml.Node
	switch ynScalar(ynGet(obj, "kind")) {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job":
		tmpl = ynPath(obj, "spec", "template")
	case "CronJob":
		tmpl = ynPath(obj, "spec", "jobTemplate", "spec", "template")
	case "Pod":
		tmpl = obj
	case "PodTemplate":
		tmpl = ynGet(obj, "template")
	case "CustomResourceDefinition", "List":
		return workload{}, false
	default:
		for _, p := range podTemplatePaths {
			t := obj
			if len(p) > 0 {
				t = ynPath(obj, p...)
			}
			if ynGet(ynGet(t, "spec"), "containers") != nil {
				tmpl = t
				break
			}
		}
	}
	spec := ynGet(tmpl, "spec")
	if !ynIsMap(tmpl) || !ynIsMap(spec) {
		return workload{}, false
	}
	return workload{obj: obj, tmpl: tmpl, spec: spec}, true
}

// podMeta returns the pod template's metadata, creating it when create is set.
func (w workload) podMeta(create bool) *yaml.Node {
	return ynChildMap(w.tmpl, "metadata", create)
}

// eachContainer calls fn for every container, then every initContainer.
func (w workload) eachContainer(fn func(c *yaml.Node, init bool) error) error {
	for _, key := range [2]string{"containers", "initContainers"} {
		seq := ynGet(w.spec, key)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		for _, c := range seq.Content {
			if c.Kind != yaml.MappingNode {
				continue
			}
			if err := fn(c, key == "initContainers"); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseSelector parses a label selector; the empty selector yields nil, which
// selects everything.
func parseSelector(s string) (labels.Selector, error) {
	if s == "" {
		return nil, nil
	}
	sel, err := labels.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("selector %q: %w", s, err)
	}
	return sel, nil
}

// ynLabels adapts a labels mapping node to labels.Labels without copying it.
type ynLabels struct{ m *yaml.Node }

func (l ynLabels) Has(key string) bool   { return ynGet(l.m, key) != nil }
func (l ynLabels) Get(key string) string { return ynScalar(ynGet(l.m, key)) }
func (l ynLabels) Lookup(key string) (string, bool) {
	v := ynGet(l.m, key)
	return ynScalar(v), v != nil
}

// selects reports whether sel matches the object's labels or, for a workload
// (w non-nil), its pod template's labels.
func selects(sel labels.Selector, obj *yaml.Node, w *workload) bool {
	if sel == nil {
		return true
	}
	if sel.Matches(ynLabels{ynPath(obj, "metadata", "labels")}) {
		return true
	}
	return w != nil && w.tmpl != obj && sel.Matches(ynLabels{ynPath(w.tmpl, "metadata", "labels")})
}

// eachWorkload calls fn for every workload in nodes selected by selector.
func eachWorkload(nodes []*yaml.RNode, selector string, fn func(w workload) error) error {
	sel, err := parseSelector(selector)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		w, ok := findWorkload(n.YNode())
		if !ok || !selects(sel, w.obj, &w) {
			continue
		}
		if err := fn(w); err != nil {
			return err
		}
	}
	return nil
}
