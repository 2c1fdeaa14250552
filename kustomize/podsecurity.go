package kustomize

import (
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// PodSecurity fills in the Pod Security "restricted" defaults that a selected
// workload leaves unset: pod runAsNonRoot, runAsUser/runAsGroup/fsGroup 1000
// and seccompProfile RuntimeDefault; per container and initContainer
// allowPrivilegeEscalation false, capabilities.drop [ALL],
// readOnlyRootFilesystem true and runAsNonRoot true. An explicit value, even a
// weaker one, is never changed — the policy checks report those. Windows pods
// (spec.os.name: windows) are skipped.
type PodSecurity struct {
	// Selector limits the workloads touched; empty selects all.
	Selector string `yaml:"selector,omitempty"`
}

var _ kio.Filter = PodSecurity{}

// Filter implements kio.Filter.
func (f PodSecurity) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	err := eachWorkload(nodes, f.Selector, func(w workload) error {
		if ynScalar(ynPath(w.spec, "os", "name")) == "windows" {
			return nil
		}
		if sc := ynChildMap(w.spec, "securityContext", true); sc != nil {
			ynSetIfAbsent(sc, "runAsNonRoot", ynBool(true))
			ynSetIfAbsent(sc, "runAsUser", ynInt("1000"))
			ynSetIfAbsent(sc, "runAsGroup", ynInt("1000"))
			ynSetIfAbsent(sc, "fsGroup", ynInt("1000"))
			if sp := ynChildMap(sc, "seccompProfile", true); sp != nil {
				ynSetIfAbsent(sp, "type", ynStr("RuntimeDefault"))
			}
		}
		return w.eachContainer(func(c *yaml.Node, _ bool) error {
			sc := ynChildMap(c, "securityContext", true)
			if sc == nil {
				return nil
			}
			ynSetIfAbsent(sc, "allowPrivilegeEscalation", ynBool(false))
			if caps := ynChildMap(sc, "capabilities", true); caps != nil {
				drop := ynNewSeq()
				drop.Content = append(drop.Content, ynStr("ALL"))
				ynSetIfAbsent(caps, "drop", drop)
			}
			ynSetIfAbsent(sc, "readOnlyRootFilesystem", ynBool(true))
			ynSetIfAbsent(sc, "runAsNonRoot", ynBool(true))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return nodes, nil
}
