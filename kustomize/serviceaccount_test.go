package kustomize

import "testing"

func TestServiceAccount(t *testing.T) {
	fltRun(t, map[string]fltCase{
		"deployment, cronjob and pod": {
			f: ServiceAccount{Name: "floe-data-product-runner"},
			in: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      serviceAccountName: chart-sa
      automountServiceAccountToken: true
      containers: []
---
kind: CronJob
metadata:
  name: c
spec:
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccount: legacy
          containers: []
---
kind: Pod
metadata:
  name: p
spec:
  containers: []
---
kind: ServiceAccount
metadata:
  name: chart-sa
`,
			want: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      serviceAccountName: floe-data-product-runner
      automountServiceAccountToken: false
      containers: []
---
kind: CronJob
metadata:
  name: c
spec:
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccount: floe-data-product-runner
          containers: []
          serviceAccountName: floe-data-product-runner
          automountServiceAccountToken: false
---
kind: Pod
metadata:
  name: p
spec:
  containers: []
  serviceAccountName: floe-data-product-runner
  automountServiceAccountToken: false
---
kind: ServiceAccount
metadata:
  name: chart-sa
`,
		},
		"no name only disables the token; selector limits": {
			f: ServiceAccount{Selector: "component=code-server"},
			in: `
kind: Deployment
metadata:
  name: code
  labels:
    component: code-server
spec:
  template:
    spec:
      serviceAccountName: keep
      containers: []
---
kind: Deployment
metadata:
  name: daemon
  labels:
    component: daemon
spec:
  template:
    spec:
      automountServiceAccountToken: true
      containers: []
`,
			want: `
kind: Deployment
metadata:
  name: code
  labels:
    component: code-server
spec:
  template:
    spec:
      serviceAccountName: keep
      containers: []
      automountServiceAccountToken: false
---
kind: Deployment
metadata:
  name: daemon
  labels:
    component: daemon
spec:
  template:
    spec:
      automountServiceAccountToken: true
      containers: []
`,
		},
		"invalid name": {f: ServiceAccount{Name: "Not Valid"}, in: "kind: Pod\n", err: `service account "Not Valid"`},
	})
}
