package kustomize

import (
	"testing"
)

func TestCanonical(t *testing.T) {
	fltRun(t, map[string]fltCase{
		"documents in install order, keys sorted, comments and nulls dropped": {
			f: Canonical{},
			in: `
# Source: chart/templates/cronjob.yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: b
  namespace: ns
  creationTimestamp: null
  annotations: null
spec:
  schedule: "*/5 * * * *"  # every five minutes
  jobTemplate:
    spec:
      template:
        spec:
          volumes: [{name: tmp, emptyDir: {}}]
          containers: [{name: dbt, args: ["build", "--target", "dev"], env: [{name: ON, value: "on"}]}]
---
apiVersion: example.dev/v1
kind: Zeta
metadata: {name: z}
---
apiVersion: example.dev/v1
kind: Alpha
metadata: {name: a}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: a
  namespace: ns
spec: {}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa
  namespace: ns
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np
  namespace: ns
spec:
  podSelector: {}
---
apiVersion: v1
kind: Namespace
metadata:
  name: ns
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: b-ns
data:
  zero: '0123'
  text: "line one\nline two\n"
  bool: 'true'
  yes: "yes"
  num: "12"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: a-ns
`,
			want: `
apiVersion: v1
kind: Namespace
metadata:
  name: ns
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np
  namespace: ns
spec:
  podSelector: {}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa
  namespace: ns
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: a-ns
---
apiVersion: v1
data:
  bool: "true"
  num: "12"
  text: |
    line one
    line two
  "yes": "yes"
  zero: "0123"
kind: ConfigMap
metadata:
  name: c
  namespace: b-ns
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: a
  namespace: ns
spec: {}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: b
  namespace: ns
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - args:
            - build
            - --target
            - dev
            env:
            - name: "ON"
              value: "on"
            name: dbt
          volumes:
          - emptyDir: {}
            name: tmp
  schedule: '*/5 * * * *'
---
apiVersion: example.dev/v1
kind: Alpha
metadata:
  name: a
---
apiVersion: example.dev/v1
kind: Zeta
metadata:
  name: z
`,
		},
		"same kind and name: apiVersion decides, then input order": {
			f: Canonical{},
			in: `
apiVersion: b.dev/v1
kind: Thing
metadata: {name: t}
---
apiVersion: a.dev/v1
kind: Thing
metadata: {name: t}
`,
			want: `
apiVersion: a.dev/v1
kind: Thing
metadata:
  name: t
---
apiVersion: b.dev/v1
kind: Thing
metadata:
  name: t
`,
		},
	})
}
