package kustomize

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Namespace sets metadata.namespace on every namespaced object; cluster-scoped
// kinds (see IsClusterScoped) are left alone. Used by render, not post-render
// (Helm owns the release namespace there).
type Namespace struct {
	// Namespace is the target namespace (a DNS label).
	Namespace string `yaml:"namespace"`
}

var _ kio.Filter = Namespace{}

// Filter implements kio.Filter.
func (f Namespace) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	if msgs := validation.IsDNS1123Label(f.Namespace); len(msgs) > 0 {
		return nil, fmt.Errorf("namespace %q: %s", f.Namespace, strings.Join(msgs, "; "))
	}
	for _, n := range nodes {
		obj := n.YNode()
		if !ynIsMap(obj) || IsClusterScoped(ynScalar(ynGet(obj, "apiVersion")), ynScalar(ynGet(obj, "kind"))) {
			continue
		}
		md := ynChildMap(obj, "metadata", true)
		if md == nil {
			return nil, fmt.Errorf("namespace: %s: metadata is not a mapping", objectID(obj))
		}
		ynSetStr(md, "namespace", f.Namespace)
		if w, ok := findWorkload(obj); ok {
			if err := enforceContextKey(w, f.Namespace, "namespace"); err != nil {
				return nil, fmt.Errorf("namespace: %w", err)
			}
		}
	}
	return nodes, nil
}

// clusterScoped lists the cluster-scoped kinds of Kubernetes itself and of the
// add-ons a data platform commonly ships (by kind; "*" matches any group).
var clusterScoped = map[string]string{
	"APIService":                       "apiregistration.k8s.io",
	"CertificateSigningRequest":        "certificates.k8s.io",
	"ClusterRole":                      "rbac.authorization.k8s.io",
	"ClusterRoleBinding":               "rbac.authorization.k8s.io",
	"ClusterRoleBindingList":           "rbac.authorization.k8s.io",
	"ClusterRoleList":                  "rbac.authorization.k8s.io",
	"ClusterTrustBundle":               "certificates.k8s.io",
	"ComponentStatus":                  "",
	"CSIDriver":                        "storage.k8s.io",
	"CSINode":                          "storage.k8s.io",
	"CustomResourceDefinition":         "apiextensions.k8s.io",
	"DeviceClass":                      "resource.k8s.io",
	"FlowSchema":                       "flowcontrol.apiserver.k8s.io",
	"IngressClass":                     "networking.k8s.io",
	"IPAddress":                        "networking.k8s.io",
	"MutatingAdmissionPolicy":          "admissionregistration.k8s.io",
	"MutatingAdmissionPolicyBinding":   "admissionregistration.k8s.io",
	"MutatingWebhookConfiguration":     "admissionregistration.k8s.io",
	"Namespace":                        "",
	"Node":                             "",
	"PersistentVolume":                 "",
	"PodSecurityPolicy":                "policy",
	"PriorityClass":                    "scheduling.k8s.io",
	"PriorityLevelConfiguration":       "flowcontrol.apiserver.k8s.io",
	"ResourceSlice":                    "resource.k8s.io",
	"RuntimeClass":                     "node.k8s.io",
	"SelfSubjectAccessReview":          "authorization.k8s.io",
	"SelfSubjectReview":                "authentication.k8s.io",
	"SelfSubjectRulesReview":           "authorization.k8s.io",
	"ServiceCIDR":                      "networking.k8s.io",
	"StorageClass":                     "storage.k8s.io",
	"StorageVersion":                   "internal.apiserver.k8s.io",
	"SubjectAccessReview":              "authorization.k8s.io",
	"TokenReview":                      "authentication.k8s.io",
	"ValidatingAdmissionPolicy":        "admissionregistration.k8s.io",
	"ValidatingAdmissionPolicyBinding": "admissionregistration.k8s.io",
	"ValidatingWebhookConfiguration":   "admissionregistration.k8s.io",
	"VolumeAttachment":                 "storage.k8s.io",
	"VolumeAttributesClass":            "storage.k8s.io",
	// add-ons
	"ClusterIssuer":         "cert-manager.io",
	"ClusterSecretStore":    "external-secrets.io",
	"ClusterPolicy":         "kyverno.io",
	"ClusterExternalSecret": "external-secrets.io",
}

// IsClusterScoped reports whether objects of this apiVersion and kind are
// cluster-scoped. Known kinds match only in their own API group; any kind
// ending in "WebhookConfiguration" is cluster-scoped.
func IsClusterScoped(apiVersion, kind string) bool {
	group, ok := clusterScoped[kind]
	if !ok {
		return strings.HasSuffix(kind, "WebhookConfiguration")
	}
	g := ""
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		g = apiVersion[:i]
	}
	return g == group || apiVersion == ""
}
