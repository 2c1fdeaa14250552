package kustomize

import "testing"

func TestNamespace(t *testing.T) {
	fltRun(t, map[string]fltCase{
		"namespaced objects get it, cluster-scoped ones do not": {
			f: Namespace{Namespace: "floe-dev"},
			in: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  namespace: elsewhere
---
apiVersion: v1
kind: Namespace
metadata:
  name: floe-dev
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: r
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.dev
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: w
---
apiVersion: example.dev/v1
kind: MyWebhookConfiguration
metadata:
  name: w2
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high
---
apiVersion: example.dev/v1
kind: Thing
metadata:
  name: t
`,
			want: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: floe-dev
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  namespace: floe-dev
---
apiVersion: v1
kind: Namespace
metadata:
  name: floe-dev
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: r
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.dev
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: w
---
apiVersion: example.dev/v1
kind: MyWebhookConfiguration
metadata:
  name: w2
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high
---
apiVersion: example.dev/v1
kind: Thing
metadata:
  name: t
  namespace: floe-dev
`,
		},
		"object without metadata": {
			f:    Namespace{Namespace: "ns"},
			in:   "apiVersion: v1\nkind: Service\n",
			want: "apiVersion: v1\nkind: Service\nmetadata:\n  namespace: ns\n",
		},
		"same kind name in another group is namespaced": {
			f:    Namespace{Namespace: "ns"},
			in:   "apiVersion: example.dev/v1\nkind: Node\nmetadata:\n  name: n\n",
			want: "apiVersion: example.dev/v1\nkind: Node\nmetadata:\n  name: n\n  namespace: ns\n",
		},
		"invalid namespace": {f: Namespace{Namespace: "Floe_Dev"}, in: "kind: Service\n", err: `namespace "Floe_Dev"`},
		"empty namespace":   {f: Namespace{}, in: "kind: Service\n", err: `namespace ""`},
		"metadata not a map": {
			f: Namespace{Namespace: "ns"}, in: "kind: Service\nmetadata: [x]\n", err: "namespace: Service/<no name>: metadata is not a mapping",
		},
	})
}

func TestIsClusterScoped(t *testing.T) {
	cases := []struct {
		apiVersion, kind string
		want             bool
	}{
		{"v1", "Namespace", true},
		{"v1", "PersistentVolume", true},
		{"v1", "PersistentVolumeClaim", false},
		{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", true},
		{"rbac.authorization.k8s.io/v1", "RoleBinding", false},
		{"storage.k8s.io/v1", "StorageClass", true},
		{"apiregistration.k8s.io/v1", "APIService", true},
		{"admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", true},
		{"cert-manager.io/v1", "ClusterIssuer", true},
		{"cert-manager.io/v1", "Issuer", false},
		{"example.dev/v1", "ClusterRole", false},
		{"", "Namespace", true},
	}
	for _, c := range cases {
		if got := IsClusterScoped(c.apiVersion, c.kind); got != c.want {
			t.Errorf("IsClusterScoped(%q, %q) = %v, want %v", c.apiVersion, c.kind, got, c.want)
		}
	}
}
