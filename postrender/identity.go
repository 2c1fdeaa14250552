package postrender

import (
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/kustomize"
)

// userDeployments is the component label value Dagster's chart gives every object of a
// user code deployment (Deployment, Service, pods), next to `deployment: <name>`.
const userDeployments = "user-deployments"

// locationOf names the Dagster code location an object belongs to (D-PR-05): the
// `deployment` label of an object, or of a workload's pod template, labelled
// `component: user-deployments` (as Dagster's chart labels a user deployment's
// Deployment, Service and pods); else, for a workload running a Dagster code server
// (`dagster api grpc`, `dagster code-server start`), its `deployment` label or its
// name. ok is false for anything else.
func locationOf(n *yaml.RNode) (name string, ok bool) {
	w, isWorkload := kustomize.FindWorkload(n)
	for _, labels := range labelSets(n, w, isWorkload) {
		if labels["component"] == userDeployments && labels["deployment"] != "" {
			return labels["deployment"], true
		}
	}
	if !isWorkload {
		return "", false
	}
	for _, c := range w.Containers() {
		if kustomize.DagsterServer(c) == "" {
			continue
		}
		for _, labels := range labelSets(n, w, true) {
			if d := labels["deployment"]; d != "" {
				return d, true
			}
		}
		return n.GetName(), true
	}
	return "", false
}

// officialUserDeployment reports whether a workload is labelled the way Dagster's chart
// labels a user deployment: that chart writes a container context unless
// includeConfigInLaunchedRuns.enabled is false, so one it left out stays out (D-PR-08).
func officialUserDeployment(n *yaml.RNode) bool {
	w, ok := kustomize.FindWorkload(n)
	if !ok {
		return false
	}
	for _, labels := range labelSets(n, w, true) {
		if labels["component"] == userDeployments {
			return true
		}
	}
	return false
}

// componentOf is a platform workload's service name (D-PR-06): its `component` label
// (Dagster's chart: dagster-webserver, dagster-daemon), else its first container's
// name (dagster-instance-migrate), else its object name; "platform" when none of
// these is a valid label value.
func componentOf(n *yaml.RNode, w kustomize.Workload) string {
	var candidates []string
	for _, labels := range labelSets(n, w, true) {
		candidates = append(candidates, labels["component"])
	}
	if cs := w.Containers(); len(cs) > 0 {
		name, _ := cs[0].GetString("name")
		candidates = append(candidates, name)
	}
	candidates = append(candidates, n.GetName())
	for _, c := range candidates {
		if c != "" && len(validation.IsValidLabelValue(c)) == 0 {
			return c
		}
	}
	return "platform"
}

// labelSets are an object's labels and, for a workload other than a Pod, its pod
// template's.
func labelSets(n *yaml.RNode, w kustomize.Workload, isWorkload bool) []map[string]string {
	sets := []map[string]string{n.GetLabels()}
	if isWorkload && w.Template.YNode() != n.YNode() {
		sets = append(sets, w.Template.GetLabels())
	}
	return sets
}
