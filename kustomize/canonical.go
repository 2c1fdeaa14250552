package kustomize

import (
	"cmp"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// InstallOrder is Helm's install order of kinds (helm.sh/helm/v3
// pkg/releaseutil.InstallOrder, v3.22); Canonical sorts documents by it.
var InstallOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
	"PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList",
	"ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
	"CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
	"ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service",
	"DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
	"APIService",
}

var installRank = func() map[string]int {
	m := make(map[string]int, len(InstallOrder))
	for i, k := range InstallOrder {
		m[k] = i
	}
	return m
}()

// Canonical puts a stream into floe's canonical form (D-RND-21): documents
// ordered by InstallOrder (unknown kinds after, alphabetically), then
// namespace, name and apiVersion; mapping keys sorted; comments removed;
// null-valued keys removed (empty maps such as emptyDir: {} stay); flow
// style replaced by block style; string quoting re-derived (strings that a
// YAML 1.1 reader would take for another type stay double-quoted).
//
// render applies it to its output. floe post-render does not: it keeps the
// chart's document order, key order and comments, which Helm accepts and
// which keeps diffs against the chart's own output small; both are
// deterministic for a given input.
type Canonical struct{}

var _ kio.Filter = Canonical{}

// Filter implements kio.Filter.
func (Canonical) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	type keyed struct {
		rank                       int
		kind, ns, name, apiVersion string
		rn                         *yaml.RNode
	}
	ks := make([]keyed, 0, len(nodes))
	for _, rn := range nodes {
		n := rn.YNode()
		canonicalize(n)
		md := ynGet(n, "metadata")
		k := keyed{
			kind: ynScalar(ynGet(n, "kind")), ns: ynScalar(ynGet(md, "namespace")),
			name: ynScalar(ynGet(md, "name")), apiVersion: ynScalar(ynGet(n, "apiVersion")), rn: rn,
		}
		r, ok := installRank[k.kind]
		if !ok {
			r = len(InstallOrder)
		}
		k.rank = r
		ks = append(ks, k)
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), strings.Compare(a.kind, b.kind),
			strings.Compare(a.ns, b.ns), strings.Compare(a.name, b.name),
			strings.Compare(a.apiVersion, b.apiVersion))
	})
	out := make([]*yaml.RNode, len(ks))
	for i := range ks {
		out[i] = ks[i].rn
	}
	return out, nil
}

// canonicalize normalises n in place (see Canonical).
func canonicalize(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	switch n.Kind {
	case yaml.MappingNode:
		n.Style &^= yaml.FlowStyle
		c := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			if ynIsNull(n.Content[i+1]) {
				continue
			}
			c = append(c, n.Content[i], n.Content[i+1])
		}
		n.Content = c
		sortPairs(n.Content)
		for _, ch := range n.Content {
			canonicalize(ch)
		}
	case yaml.SequenceNode:
		n.Style &^= yaml.FlowStyle
		for _, ch := range n.Content {
			canonicalize(ch)
		}
	case yaml.ScalarNode:
		switch n.Tag {
		case yaml.NodeTagString:
			n.Style = 0
			if yaml11NonString(n.Value) {
				n.Style = yaml.DoubleQuotedStyle
			}
		case yaml.NodeTagInt, yaml.NodeTagBool, yaml.NodeTagFloat, yaml.NodeTagNull:
			n.Style = 0
		}
	}
}

// sortPairs sorts the key/value pairs of a mapping's content by key.
func sortPairs(c []*yaml.Node) {
	// insertion sort over pairs: mappings are small and often nearly sorted
	for i := 2; i+1 < len(c); i += 2 {
		for j := i; j >= 2 && c[j-2].Value > c[j].Value; j -= 2 {
			c[j-2], c[j] = c[j], c[j-2]
			c[j-1], c[j+1] = c[j+1], c[j-1]
		}
	}
}
