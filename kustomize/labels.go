package kustomize

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Labels adds product labels and annotations to the metadata of every selected
// object and to the pod template of every selected workload (a CronJob's
// jobTemplate.metadata is left as the chart wrote it). It never removes
// a key; an existing key keeps its value unless Overwrite is set (so a chart's
// own selector labels and Helm's managed-by survive). A null labels or
// annotations map on a selected object is removed when nothing is added.
type Labels struct {
	// Labels go on object metadata and on pod templates.
	Labels map[string]string `yaml:"labels,omitempty"`
	// Annotations go on object metadata and on pod templates.
	Annotations map[string]string `yaml:"annotations,omitempty"`
	// PodLabels go on pod templates only (they win over Labels there).
	PodLabels map[string]string `yaml:"podLabels,omitempty"`
	// PodAnnotations go on pod templates only (they win over Annotations there).
	PodAnnotations map[string]string `yaml:"podAnnotations,omitempty"`
	// Selector limits the objects touched (label selector on object or pod
	// template labels); empty selects every object.
	Selector string `yaml:"selector,omitempty"`
	// Overwrite replaces the value of keys the object already has.
	Overwrite bool `yaml:"overwrite,omitempty"`
}

var _ kio.Filter = Labels{}

// Filter implements kio.Filter.
func (f Labels) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	sel, err := parseSelector(f.Selector)
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	objLabels, objAnnos := sortedPairs(f.Labels), sortedPairs(f.Annotations)
	podLabels := sortedPairs(merged(f.Labels, f.PodLabels))
	podAnnos := sortedPairs(merged(f.Annotations, f.PodAnnotations))
	for _, n := range nodes {
		obj := n.YNode()
		if !ynIsMap(obj) {
			continue
		}
		w, isWorkload := findWorkload(obj)
		var wp *workload
		if isWorkload {
			wp = &w
		}
		if !selects(sel, obj, wp) {
			continue
		}
		switch {
		case isWorkload && w.tmpl == obj:
			// a Pod: its own metadata is the pod's metadata
			f.apply(obj, podLabels, podAnnos)
		case isWorkload:
			f.apply(obj, objLabels, objAnnos)
			f.apply(w.tmpl, podLabels, podAnnos)
		default:
			f.apply(obj, objLabels, objAnnos)
		}
	}
	return nodes, nil
}

// apply puts labels and annotations on holder.metadata.
func (f Labels) apply(holder *yaml.Node, lbls, annos [][2]string) {
	md := ynChildMap(holder, "metadata", len(lbls)+len(annos) > 0)
	if md == nil {
		return
	}
	f.applyMap(md, "labels", lbls)
	f.applyMap(md, "annotations", annos)
}

// applyMap adds pairs to md[key], dropping a null map that stays empty.
func (f Labels) applyMap(md *yaml.Node, key string, pairs [][2]string) {
	cur := ynGet(md, key)
	if len(pairs) == 0 {
		if cur != nil && ynIsNull(cur) {
			ynDel(md, key)
		}
		return
	}
	m := ynChildMap(md, key, true)
	if m == nil {
		return // not a mapping: leave it for the API server to reject
	}
	for _, kv := range pairs {
		if f.Overwrite {
			ynSetStr(m, kv[0], kv[1])
		} else if ynGet(m, kv[0]) == nil {
			ynAppend(m, ynKey(kv[0]), ynStr(kv[1]))
		}
	}
}

// validate checks keys and values against the Kubernetes grammars.
func (f Labels) validate() error {
	var errs []error
	for _, set := range []struct {
		field string
		m     map[string]string
		label bool
	}{
		{"labels", f.Labels, true}, {"podLabels", f.PodLabels, true},
		{"annotations", f.Annotations, false}, {"podAnnotations", f.PodAnnotations, false},
	} {
		for _, k := range slices.Sorted(maps.Keys(set.m)) {
			if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
				errs = append(errs, fmt.Errorf("labels: %s: invalid key %q: %s", set.field, k, strings.Join(msgs, "; ")))
			}
			if !set.label {
				continue
			}
			if msgs := validation.IsValidLabelValue(set.m[k]); len(msgs) > 0 {
				errs = append(errs, fmt.Errorf("labels: %s: %s: invalid value %q: %s", set.field, k, set.m[k], strings.Join(msgs, "; ")))
			}
		}
	}
	return errors.Join(errs...)
}

// merged returns base overlaid with over.
func merged(base, over map[string]string) map[string]string {
	if len(over) == 0 {
		return base
	}
	out := make(map[string]string, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// sortedPairs lists m as key/value pairs in key order.
func sortedPairs(m map[string]string) [][2]string {
	out := make([][2]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, [2]string{k, m[k]})
	}
	return out
}
