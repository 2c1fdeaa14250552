package kustomize

import (
	"testing"
)

func TestLabels(t *testing.T) {
	product := map[string]string{"floe.dev/product": "customer-360", "app.kubernetes.io/part-of": "floe-jobs"}
	fltRun(t, map[string]fltCase{
		"every object and pod template": {
			f: Labels{
				Labels:         product,
				Annotations:    map[string]string{"floe.dev/pec": "pec-dev"},
				PodLabels:      map[string]string{"floe.dev/job-type": "data-pipeline"},
				PodAnnotations: map[string]string{"floe.dev/lineage-namespace": "customer-360"},
			},
			in: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  a: "1"
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: customer-360-dbt
  labels:
    app.kubernetes.io/name: floe-jobs
  annotations:
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            app.kubernetes.io/name: floe-jobs
        spec:
          containers:
          - name: dbt
            image: dbt:1
`,
			want: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels:
    app.kubernetes.io/part-of: floe-jobs
    floe.dev/product: customer-360
  annotations:
    floe.dev/pec: pec-dev
data:
  a: "1"
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: customer-360-dbt
  labels:
    app.kubernetes.io/name: floe-jobs
    app.kubernetes.io/part-of: floe-jobs
    floe.dev/product: customer-360
  annotations:
    floe.dev/pec: pec-dev
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            app.kubernetes.io/name: floe-jobs
            app.kubernetes.io/part-of: floe-jobs
            floe.dev/job-type: data-pipeline
            floe.dev/product: customer-360
          annotations:
            floe.dev/lineage-namespace: customer-360
            floe.dev/pec: pec-dev
        spec:
          containers:
          - name: dbt
            image: dbt:1
`,
		},
		"existing keys keep their value": {
			f: Labels{Labels: map[string]string{"app.kubernetes.io/managed-by": "floe", "floe.dev/product": "p"}},
			in: `
kind: Service
metadata:
  name: s
  labels:
    app.kubernetes.io/managed-by: Helm
`,
			want: `
kind: Service
metadata:
  name: s
  labels:
    app.kubernetes.io/managed-by: Helm
    floe.dev/product: p
`,
		},
		"overwrite replaces values, keeps other keys": {
			f: Labels{Labels: map[string]string{"app.kubernetes.io/managed-by": "floe"}, Overwrite: true},
			in: `
kind: Service
metadata:
  name: s
  labels:
    app.kubernetes.io/managed-by: Helm
    keep: me
`,
			want: `
kind: Service
metadata:
  name: s
  labels:
    app.kubernetes.io/managed-by: floe
    keep: me
`,
		},
		"pod labels win over labels on templates": {
			f: Labels{Labels: map[string]string{"tier": "obj"}, PodLabels: map[string]string{"tier": "pod"}},
			in: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers: []
---
kind: Pod
metadata:
  name: p
spec:
  containers: []
`,
			want: `
kind: Deployment
metadata:
  name: d
  labels:
    tier: obj
spec:
  template:
    spec:
      containers: []
    metadata:
      labels:
        tier: pod
---
kind: Pod
metadata:
  name: p
  labels:
    tier: pod
spec:
  containers: []
`,
		},
		"selector on pod template labels (floe-jobs pods carry instance only there)": {
			f: Labels{Labels: map[string]string{"floe.dev/product": "customer-360"}, Selector: "app.kubernetes.io/instance=customer-360"},
			in: `
kind: Job
metadata:
  name: j
spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: customer-360
    spec:
      containers: []
---
kind: Job
metadata:
  name: other
spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: other
    spec:
      containers: []
---
kind: ConfigMap
metadata:
  name: unlabelled
  annotations:
`,
			want: `
kind: Job
metadata:
  name: j
  labels:
    floe.dev/product: customer-360
spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: customer-360
        floe.dev/product: customer-360
    spec:
      containers: []
---
kind: Job
metadata:
  name: other
spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: other
    spec:
      containers: []
---
kind: ConfigMap
metadata:
  name: unlabelled
  annotations:
`,
		},
		"null labels and annotations normalised to absent": {
			f: Labels{},
			in: `
kind: Deployment
metadata:
  name: d
  labels:
  annotations:
spec:
  template:
    metadata:
      annotations: null
    spec:
      containers: []
`,
			want: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    metadata: {}
    spec:
      containers: []
`,
		},
		"null annotations replaced by the map": {
			f: Labels{Annotations: map[string]string{"floe.dev/pec": "pec-dev"}},
			in: `
kind: Secret
metadata:
  name: s
  annotations:
`,
			want: `
kind: Secret
metadata:
  name: s
  annotations:
    floe.dev/pec: pec-dev
`,
		},
		"an empty flow map becomes block when extended": {
			f: Labels{Labels: map[string]string{"b": "2"}},
			in: `
kind: Secret
metadata:
  name: s
  labels: {}
`,
			want: `
kind: Secret
metadata:
  name: s
  labels:
    b: "2"
`,
		},
		"inside a flow parent the flow style stays (still valid YAML)": {
			f: Labels{Labels: map[string]string{"b": "2"}},
			in: `
kind: Secret
metadata: {name: s, labels: {a: "1"}}
`,
			want: `
kind: Secret
metadata: {name: s, labels: {a: "1", b: "2"}}
`,
		},
		"values that YAML 1.1 reads as other types are quoted": {
			f: Labels{Labels: map[string]string{"a": "true", "b": "0123", "c": "yes", "d": "1.5", "e": "null", "f": "on"}},
			in: `
kind: Secret
metadata:
  name: s
`,
			want: `
kind: Secret
metadata:
  name: s
  labels:
    a: "true"
    b: "0123"
    c: "yes"
    d: "1.5"
    e: "null"
    f: "on"
`,
		},
		"custom resource definition gets metadata labels only": {
			f: Labels{Labels: map[string]string{"floe.dev/product": "p"}, PodLabels: map[string]string{"x": "y"}},
			in: `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.dev
spec:
  group: example.dev
`,
			want: `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.dev
  labels:
    floe.dev/product: p
spec:
  group: example.dev
`,
		},
		"invalid label value": {
			f:   Labels{Labels: map[string]string{"floe.dev/product": "Customer 360!"}},
			in:  "kind: Secret\nmetadata: {name: s}\n",
			err: `labels: labels: floe.dev/product: invalid value "Customer 360!"`,
		},
		"label value too long": {
			f:   Labels{PodLabels: map[string]string{"a": "x234567890123456789012345678901234567890123456789012345678901234"}},
			in:  "kind: Secret\nmetadata: {name: s}\n",
			err: `podLabels: a: invalid value`,
		},
		"invalid label key": {
			f:   Labels{Labels: map[string]string{"bad key": "v"}},
			in:  "kind: Secret\nmetadata: {name: s}\n",
			err: `labels: labels: invalid key "bad key"`,
		},
		"invalid annotation key": {
			f:   Labels{Annotations: map[string]string{"-x": "anything goes here"}},
			in:  "kind: Secret\nmetadata: {name: s}\n",
			err: `annotations: invalid key "-x"`,
		},
		"bad selector": {
			f:   Labels{Selector: "a in (b"},
			in:  "kind: Secret\nmetadata: {name: s}\n",
			err: `labels: selector "a in (b"`,
		},
	})
}
