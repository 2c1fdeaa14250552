package kustomize

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Resources fills in the resource requests and limits (cpu, memory, or any
// other resource named) that a container or initContainer of a selected
// workload leaves unset. Values already present are kept; a filled request
// never exceeds an existing limit and a filled limit is never below an
// existing request, so the result stays valid.
type Resources struct {
	// Requests are the default requests, e.g. {cpu: 100m, memory: 256Mi}.
	Requests map[string]string `yaml:"requests,omitempty"`
	// Limits are the default limits, e.g. {cpu: "1", memory: 1Gi}.
	Limits map[string]string `yaml:"limits,omitempty"`
	// Selector limits the workloads touched; empty selects all.
	Selector string `yaml:"selector,omitempty"`
}

var _ kio.Filter = Resources{}

// quantity is a validated default.
type quantity struct {
	name string
	text string
	q    resource.Quantity
}

// Filter implements kio.Filter.
func (f Resources) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	reqs, err := parseQuantities("requests", f.Requests)
	if err != nil {
		return nil, err
	}
	lims, err := parseQuantities("limits", f.Limits)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		for _, l := range lims {
			if r.name == l.name && r.q.Cmp(l.q) > 0 {
				return nil, fmt.Errorf("resources: %s: request %s exceeds limit %s", r.name, r.text, l.text)
			}
		}
	}
	err = eachWorkload(nodes, f.Selector, func(w workload) error {
		return w.eachContainer(func(c *yaml.Node, _ bool) error {
			res := ynChildMap(c, "resources", true)
			if res == nil {
				return fmt.Errorf("resources: %s: container %q: resources is not a mapping", objectID(w.obj), ynScalar(ynGet(c, "name")))
			}
			if err := fillQuantities(res, "requests", "limits", reqs, -1); err != nil {
				return fmt.Errorf("resources: %s: container %q: %w", objectID(w.obj), ynScalar(ynGet(c, "name")), err)
			}
			if err := fillQuantities(res, "limits", "requests", lims, +1); err != nil {
				return fmt.Errorf("resources: %s: container %q: %w", objectID(w.obj), ynScalar(ynGet(c, "name")), err)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return nodes, nil
}

// fillQuantities adds the missing defaults to res[key]. An existing value in
// res[other] for the same resource bounds the default: for requests (dir -1)
// the limit is an upper bound, for limits (dir +1) the request a lower one.
func fillQuantities(res *yaml.Node, key, other string, defs []quantity, dir int) error {
	if len(defs) == 0 {
		return nil
	}
	m := ynChildMap(res, key, true)
	if m == nil {
		return fmt.Errorf("%s is not a mapping", key)
	}
	bounds := ynChildMap(res, other, false)
	for _, d := range defs {
		if !ynIsNull(ynGet(m, d.name)) {
			continue
		}
		v := ynStr(d.text)
		if b := ynScalar(ynGet(bounds, d.name)); b != "" {
			bq, err := parseQuantity(b)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", other, d.name, err)
			}
			if d.q.Cmp(bq)*dir < 0 {
				v = ynStr(b)
			}
		}
		ynSet(m, d.name, v)
	}
	return nil
}

// parseQuantities validates the defaults and returns them in name order.
func parseQuantities(field string, m map[string]string) ([]quantity, error) {
	out := make([]quantity, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		q, err := parseQuantity(m[k])
		if err != nil {
			return nil, fmt.Errorf("resources: %s.%s: %q: %w", field, k, m[k], err)
		}
		out = append(out, quantity{name: k, text: m[k], q: q})
	}
	return out, nil
}

// maxQuantityLen and maxExponentDigits bound a quantity before apimachinery parses it:
// its parser works through a decimal exponent digit by digit of the value it denotes,
// so "1000000E60000000001" (a bound read from a chart's or an overlay's object) would
// hold the render for minutes, and a large exponent makes every comparison slow too.
// Real quantities are short and their exponents small (1e3, 5E6).
const (
	maxQuantityLen    = 64
	maxExponentDigits = 2
)

// parseQuantity is resource.ParseQuantity for a value of bounded length and exponent.
func parseQuantity(s string) (resource.Quantity, error) {
	if len(s) > maxQuantityLen {
		return resource.Quantity{}, fmt.Errorf("quantity longer than %d characters", maxQuantityLen)
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		if exp := strings.TrimLeft(s[i+1:], "+-"); len(exp) > maxExponentDigits { // "Ei" leaves "i"
			return resource.Quantity{}, errExponent
		}
	}
	return resource.ParseQuantity(s)
}

var errExponent = errors.New("quantity's decimal exponent has more than 2 digits")
