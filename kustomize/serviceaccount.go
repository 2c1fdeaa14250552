package kustomize

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ServiceAccount runs the pods of selected workloads as the named service
// account and sets automountServiceAccountToken: false on them. Workloads that
// need the Kubernetes API (e.g. a Dagster daemon) must be left out by Selector.
type ServiceAccount struct {
	// Name is the service account; empty leaves serviceAccountName as it is.
	Name string `yaml:"name,omitempty"`
	// Selector limits the workloads touched; empty selects all.
	Selector string `yaml:"selector,omitempty"`
}

var _ kio.Filter = ServiceAccount{}

// Filter implements kio.Filter.
func (f ServiceAccount) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	if f.Name != "" {
		if msgs := validation.IsDNS1123Subdomain(f.Name); len(msgs) > 0 {
			return nil, fmt.Errorf("service account %q: %s", f.Name, strings.Join(msgs, "; "))
		}
	}
	err := eachWorkload(nodes, f.Selector, func(w workload) error {
		if f.Name != "" {
			ynSetStr(w.spec, "serviceAccountName", f.Name)
			// the deprecated alias must agree or the API server rejects the pod
			if ynGet(w.spec, "serviceAccount") != nil {
				ynSetStr(w.spec, "serviceAccount", f.Name)
			}
		}
		if cur := ynGet(w.spec, "automountServiceAccountToken"); cur == nil || cur.Value != "false" || cur.Tag != yaml.NodeTagBool {
			ynSet(w.spec, "automountServiceAccountToken", ynBool(false))
		}
		if f.Name != "" {
			return enforceContextKey(w, f.Name, "service_account_name", "serviceAccountName")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("service account: %w", err)
	}
	return nodes, nil
}
