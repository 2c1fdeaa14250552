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
		"explicit weaker values are reset": {
			f: PodSecurity{},
			in: `
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: true
  hostPID: true
  hostIPC: true
  securityContext:
    runAsNonRoot: false
    runAsUser: 0
    seccompProfile:
      type: Unconfined
      localhostProfile: x
    appArmorProfile:
      type: Unconfined
    seLinuxOptions:
      user: system_u
      role: sysadm_r
      type: spc_t
      level: s0
  containers:
  - name: c
    ports:
    - containerPort: 8080
      hostPort: 80
      hostIP: 0.0.0.0
    securityContext:
      privileged: true
      allowPrivilegeEscalation: true
      readOnlyRootFilesystem: false
      runAsNonRoot: false
      runAsUser: 0
      procMount: Unmasked
      windowsOptions:
        hostProcess: true
      capabilities:
        add:
        - NET_ADMIN
        - SYS_ADMIN
        drop:
        - NET_RAW
  ephemeralContainers:
  - name: debug
    securityContext:
      privileged: true
      capabilities:
        add: [NET_BIND_SERVICE, SYS_PTRACE]
`,
			want: `
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    seccompProfile:
      type: RuntimeDefault
    appArmorProfile:
      type: RuntimeDefault
    seLinuxOptions:
      level: s0
    runAsGroup: 1000
    fsGroup: 1000
  containers:
  - name: c
    ports:
    - containerPort: 8080
    securityContext:
      privileged: false
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: false
      runAsNonRoot: true
      capabilities:
        drop:
        - NET_RAW
        - ALL
  ephemeralContainers:
  - name: debug
    securityContext:
      privileged: false
      capabilities:
        add: [NET_BIND_SERVICE]
        drop:
        - ALL
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      runAsNonRoot: true
`,
		},
		"windows pods lose host namespaces and privileges, get no Linux defaults": {
			f: PodSecurity{},
			in: `
kind: Pod
metadata:
  name: w
spec:
  os:
    name: windows
  hostNetwork: true
  containers:
  - name: c
    securityContext:
      privileged: true
      windowsOptions:
        hostProcess: true
        runAsUserName: ContainerUser
`,
			want: `
kind: Pod
metadata:
  name: w
spec:
  os:
    name: windows
  containers:
  - name: c
    securityContext:
      privileged: false
      windowsOptions:
        runAsUserName: ContainerUser
`,
		},
		"restricted values are kept as written": {
			f: PodSecurity{},
			in: `
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 0
    fsGroup: 2000
    seccompProfile:
      type: Localhost
      localhostProfile: profiles/floe.json
    sysctls:
    - name: net.ipv4.ip_local_port_range
      value: 1024 65535
  volumes:
  - name: tmp
    emptyDir: {}
  - name: cfg
    configMap:
      name: c
  containers:
  - name: c
    ports:
    - containerPort: 8080
    securityContext:
      privileged: false
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      runAsNonRoot: true
      procMount: Default
      capabilities:
        add: [NET_BIND_SERVICE]
        drop: [ALL]
`,
			want: `
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 0
    fsGroup: 2000
    seccompProfile:
      type: Localhost
      localhostProfile: profiles/floe.json
    sysctls:
    - name: net.ipv4.ip_local_port_range
      value: 1024 65535
  volumes:
  - name: tmp
    emptyDir: {}
  - name: cfg
    configMap:
      name: c
  containers:
  - name: c
    ports:
    - containerPort: 8080
    securityContext:
      privileged: false
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      runAsNonRoot: true
      procMount: Default
      capabilities:
        add: [NET_BIND_SERVICE]
        drop: [ALL]
`,
		},
		"a hostPath volume is refused": {
			f: PodSecurity{},
			in: `
kind: Deployment
metadata:
  name: d
  namespace: ns
spec:
  template:
    spec:
      containers:
      - name: c
      volumes:
      - name: tmp
        emptyDir: {}
      - name: root
        hostPath:
          path: /
`,
			err: "(rendered): Deployment/ns/d: spec.template.spec.volumes[1].hostPath: a hostPath volume mounts the node's filesystem",
		},
		"an unsafe sysctl is refused": {
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
            sysctls:
            - name: kernel.msgmax
              value: "65536"
          containers:
          - name: c
`,
			err: `(rendered): CronJob/c: spec.jobTemplate.spec.template.spec.securityContext.sysctls[0]: sysctl "kernel.msgmax" is not a safe sysctl`,
		},
		"a non-restricted volume type is refused, located in the chart's file": {
			f: PodSecurity{},
			in: `
kind: Pod
metadata:
  name: p
  annotations:
    postrenderer.helm.sh/postrender-filename: chart/templates/pod.yaml
spec:
  containers:
  - name: c
  volumes:
  - name: shared
    nfs:
      server: nfs.example.com
      path: /export
`,
			err: "chart/templates/pod.yaml: Pod/p: spec.volumes[0].nfs: a nfs volume is not allowed",
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
