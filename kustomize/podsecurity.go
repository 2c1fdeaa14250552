package kustomize

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/diag"
)

// PodSecurity holds the selected workloads to the Pod Security "restricted" profile,
// whatever a chart or an overlay wrote, at every enforcement level:
//
//   - defaults a workload leaves unset are filled in: pod runAsNonRoot,
//     runAsUser/runAsGroup/fsGroup 1000 and seccompProfile RuntimeDefault; per
//     container and initContainer allowPrivilegeEscalation false, capabilities.drop
//     [ALL], readOnlyRootFilesystem true and runAsNonRoot true;
//   - a weaker value that can be taken back without changing what the pod does is
//     reset (see resetPod and resetContainer): host namespaces, privileged,
//     added capabilities, privilege escalation, root users, Unconfined profiles,
//     host ports, procMount;
//   - what cannot be taken back — a hostPath or other non-restricted volume, an
//     unsafe sysctl — refuses the stream: Filter returns a diag.List (exit 2) naming
//     every such field, and no output.
//
// Windows pods (spec.os.name: windows) get the resets that apply to them but no Linux
// defaults.
type PodSecurity struct {
	// Selector limits the workloads touched; empty selects all.
	Selector string `yaml:"selector,omitempty"`
}

var _ kio.Filter = PodSecurity{}

// Filter implements kio.Filter.
func (f PodSecurity) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	var refused diag.List
	err := eachWorkload(nodes, f.Selector, func(w workload) error {
		refused = append(refused, refusePod(w)...)
		windows := ynScalar(ynPath(w.spec, "os", "name")) == "windows"
		resetPod(w.spec, windows)
		if !windows {
			podDefaults(w.spec)
		}
		return w.eachSecured(func(c *yaml.Node) error {
			resetContainer(c, windows)
			if !windows {
				containerDefaults(c)
			}
			bad, err := dagsterContexts(c)
			if err != nil {
				return fmt.Errorf("%s: container %s: %w", objectID(w.obj), ynScalar(ynGet(c, "name")), err)
			}
			for _, b := range bad {
				refused = append(refused, refusedAt(w, "containers[name="+ynScalar(ynGet(c, "name"))+"]."+b.path, b.message))
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if len(refused) > 0 {
		return nil, refused
	}
	return nodes, nil
}

// podDefaults fills in the pod-level restricted settings left unset.
func podDefaults(spec *yaml.Node) {
	sc := ynChildMap(spec, "securityContext", true)
	if sc == nil {
		return
	}
	ynSetIfAbsent(sc, "runAsNonRoot", ynBool(true))
	ynSetIfAbsent(sc, "runAsUser", ynInt("1000"))
	ynSetIfAbsent(sc, "runAsGroup", ynInt("1000"))
	ynSetIfAbsent(sc, "fsGroup", ynInt("1000"))
	if sp := ynChildMap(sc, "seccompProfile", true); sp != nil {
		ynSetIfAbsent(sp, "type", ynStr("RuntimeDefault"))
	}
}

// containerDefaults fills in the container-level restricted settings left unset.
func containerDefaults(c *yaml.Node) {
	sc := ynChildMap(c, "securityContext", true)
	if sc == nil {
		return
	}
	ynSetIfAbsent(sc, "allowPrivilegeEscalation", ynBool(false))
	if caps := ynChildMap(sc, "capabilities", true); caps != nil {
		ynSetIfAbsent(caps, "drop", dropAll())
	}
	ynSetIfAbsent(sc, "readOnlyRootFilesystem", ynBool(true))
	ynSetIfAbsent(sc, "runAsNonRoot", ynBool(true))
}

func dropAll() *yaml.Node {
	drop := ynNewSeq()
	drop.Content = append(drop.Content, ynStr("ALL"))
	return drop
}

// eachSecured calls fn for every container, initContainer and ephemeralContainer.
func (w workload) eachSecured(fn func(c *yaml.Node) error) error {
	if err := w.eachContainer(func(c *yaml.Node, _ bool) error { return fn(c) }); err != nil {
		return err
	}
	if seq := ynGet(w.spec, "ephemeralContainers"); seq != nil && seq.Kind == yaml.SequenceNode {
		for _, c := range seq.Content {
			if ynIsMap(c) {
				if err := fn(c); err != nil {
					return fmt.Errorf("ephemeral container: %w", err)
				}
			}
		}
	}
	return nil
}
