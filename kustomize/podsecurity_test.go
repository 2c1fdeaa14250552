package kustomize

import "testing"

func TestPodSecurity(t *testing.T) {
	fltRun(t, map[string]fltCase{
		"job without security contexts": {
			f: PodSecurity{},
			in: `
kind: Job
metadata:
  name: j
spec:
  template:
    spec:
      initContainers:
      - name: init
      containers:
      - name: dbt
`,
			want: `
kind: Job
metadata:
  name: j
spec:
  template:
    spec:
      initContainers:
      - name: init
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop:
            - ALL
          readOnlyRootFilesystem: true
          runAsNonRoot: true
      containers:
      - name: dbt
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop:
            - ALL
          readOnlyRootFilesystem: true
          runAsNonRoot: true
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        fsGroup: 1000
        seccompProfile:
          type: RuntimeDefault
`,
		},
		"floe-jobs defaults: only seccomp is missing": {
			f: PodSecurity{},
			in: `
kind: CronJob
metadata:
  name: c
spec:
  jobTemplate:
    spec:
      template:
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 1000
            runAsGroup: 1000
            fsGroup: 1000
          containers:
          - name: dbt
            securityContext:
              allowPrivilegeEscalation: false
              readOnlyRootFilesystem: true
              capabilities:
                drop:
                - ALL
`,
			want: `
kind: CronJob
metadata:
  name: c
spec:
  jobTemplate:
    spec:
      template:
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 1000
            runAsGroup: 1000
            fsGroup: 1000
            seccompProfile:
              type: RuntimeDefault
          containers:
          - name: dbt
            securityContext:
              allowPrivilegeEscalation: false
              readOnlyRootFilesystem: true
              capabilities:
                drop:
                - ALL
              runAsNonRoot: true
`,
		},
		"explicit weaker values are never changed": {
			f: PodSecurity{},
			in: `
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsNonRoot: false
    runAsUser: 0
    seccompProfile:
      type: Unconfined
  containers:
  - name: c
    securityContext:
      allowPrivilegeEscalation: true
      readOnlyRootFilesystem: false
      runAsNonRoot: false
      capabilities:
        add:
        - NET_ADMIN
        drop:
        - NET_RAW
`,
			want: `
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsNonRoot: false
    runAsUser: 0
    seccompProfile:
      type: Unconfined
    runAsGroup: 1000
    fsGroup: 1000
  containers:
  - name: c
    securityContext:
      allowPrivilegeEscalation: true
      readOnlyRootFilesystem: false
      runAsNonRoot: false
      capabilities:
        add:
        - NET_ADMIN
        drop:
        - NET_RAW
`,
		},
		"empty flow maps, nulls and capabilities without drop": {
			f: PodSecurity{},
			in: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      securityContext: {}
      containers:
      - name: c
        securityContext:
          capabilities:
            add: [NET_BIND_SERVICE]
          runAsNonRoot: null
`,
			want: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        fsGroup: 1000
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: c
        securityContext:
          capabilities:
            add: [NET_BIND_SERVICE]
            drop:
            - ALL
          runAsNonRoot: true
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
`,
		},
		"windows pods and unselected workloads are skipped": {
			f: PodSecurity{Selector: "app=x"},
			in: `
kind: Pod
metadata:
  name: win
  labels:
    app: x
spec:
  os:
    name: windows
  containers:
  - name: c
---
kind: Pod
metadata:
  name: other
spec:
  containers:
  - name: c
`,
			want: `
kind: Pod
metadata:
  name: win
  labels:
    app: x
spec:
  os:
    name: windows
  containers:
  - name: c
---
kind: Pod
metadata:
  name: other
spec:
  containers:
  - name: c
`,
		},
	})
}
