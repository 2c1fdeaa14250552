package kustomize

import "testing"

func TestImage(t *testing.T) {
	const in = `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      initContainers:
      - name: wait
        image: busybox:1
      containers:
      - name: dagster
        image: old:1
        imagePullPolicy: Always
      - name: sidecar
        image: envoy:1
`
	fltRun(t, map[string]fltCase{
		"named containers": {
			f:  Image{Image: "registry.example/customer-360:0123abcd4567", PullPolicy: "IfNotPresent", Containers: []string{"dagster"}},
			in: in,
			want: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      initContainers:
      - name: wait
        image: busybox:1
      containers:
      - name: dagster
        image: registry.example/customer-360:0123abcd4567
        imagePullPolicy: IfNotPresent
      - name: sidecar
        image: envoy:1
`,
		},
		"all containers, pull policy untouched": {
			f:  Image{Image: "r/p@sha256:abc"},
			in: in,
			want: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      initContainers:
      - name: wait
        image: r/p@sha256:abc
      containers:
      - name: dagster
        image: r/p@sha256:abc
        imagePullPolicy: Always
      - name: sidecar
        image: r/p@sha256:abc
`,
		},
		"selector excludes": {
			f:    Image{Image: "x:1", Selector: "app=none"},
			in:   in,
			want: in,
		},
		"DAGSTER_CURRENT_IMAGE follows when present": {
			f: Image{Image: "r/new:2", Containers: []string{"dagster"}},
			in: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: dagster
        image: r/old:1
        env:
        - name: DAGSTER_CURRENT_IMAGE
          value: "r/old:1"
        - name: OTHER
          value: r/old:1
      - name: sidecar
        image: envoy:1
        env:
        - name: DAGSTER_CURRENT_IMAGE
          value: untouched
`,
			want: `
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: dagster
        image: r/new:2
        env:
        - name: DAGSTER_CURRENT_IMAGE
          value: r/new:2
        - name: OTHER
          value: r/old:1
      - name: sidecar
        image: envoy:1
        env:
        - name: DAGSTER_CURRENT_IMAGE
          value: untouched
`,
		},
		"missing image":   {f: Image{}, in: in, err: "image: no image given"},
		"bad pull policy": {f: Image{Image: "x:1", PullPolicy: "Sometimes"}, in: in, err: `pull policy "Sometimes"`},
	})
}
