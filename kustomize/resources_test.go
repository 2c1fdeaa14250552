package kustomize

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
)

func TestResources(t *testing.T) {
	small := Resources{
		Requests: map[string]string{"cpu": "100m", "memory": "256Mi"},
		Limits:   map[string]string{"cpu": "1", "memory": "1Gi"},
	}
	fltRun(t, map[string]fltCase{
		"fills every container and initContainer": {
			f: small,
			in: `
kind: StatefulSet
metadata:
  name: s
spec:
  template:
    spec:
      initContainers:
      - name: init
      containers:
      - name: c
        resources: {}
`,
			want: `
kind: StatefulSet
metadata:
  name: s
spec:
  template:
    spec:
      initContainers:
      - name: init
        resources:
          requests:
            cpu: 100m
            memory: 256Mi
          limits:
            cpu: "1"
            memory: 1Gi
      containers:
      - name: c
        resources:
          requests:
            cpu: 100m
            memory: 256Mi
          limits:
            cpu: "1"
            memory: 1Gi
`,
		},
		"existing values kept, bounds respected": {
			f: small,
			in: `
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: low-limit
    resources:
      limits:
        cpu: 50m
  - name: high-request
    resources:
      requests:
        memory: 2Gi
  - name: explicit
    resources:
      requests:
        cpu: 1
        memory: 1Gi
      limits:
        cpu: 2
        memory: 2Gi
`,
			want: `
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: low-limit
    resources:
      limits:
        cpu: 50m
        memory: 1Gi
      requests:
        cpu: 50m
        memory: 256Mi
  - name: high-request
    resources:
      requests:
        memory: 2Gi
        cpu: 100m
      limits:
        cpu: "1"
        memory: 2Gi
  - name: explicit
    resources:
      requests:
        cpu: 1
        memory: 1Gi
      limits:
        cpu: 2
        memory: 2Gi
`,
		},
		"requests only": {
			f: Resources{Requests: map[string]string{"ephemeral-storage": "1Gi"}},
			in: `
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
`,
			want: `
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    resources:
      requests:
        ephemeral-storage: 1Gi
`,
		},
		"bad quantity":             {f: Resources{Limits: map[string]string{"cpu": "lots"}}, in: "kind: Pod\n", err: `resources: limits.cpu: "lots"`},
		"request above limit":      {f: Resources{Requests: map[string]string{"cpu": "2"}, Limits: map[string]string{"cpu": "1"}}, in: "kind: Pod\n", err: "request 2 exceeds limit 1"},
		"container resources list": {f: small, in: "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, resources: [1]}]}\n", err: `Pod/p: container "c": resources is not a mapping`},
		"existing quantity broken": {
			f:   small,
			in:  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, resources: {limits: {cpu: much}}}]}\n",
			err: `container "c": limits.cpu`,
		},
		// apimachinery's parser would spend minutes on these (it works through the
		// exponent): refused before it is called, naming the object and the field.
		"existing quantity, huge exponent": {
			f:   small,
			in:  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, resources: {limits: {cpu: 1000000E60000000001}}}]}\n",
			err: `resources: Pod/p: container "c": limits.cpu: quantity's decimal exponent has more than 2 digits`,
		},
		"existing quantity, signed exponent": {
			f:   small,
			in:  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, resources: {limits: {memory: 1e-600000}}}]}\n",
			err: `limits.memory: quantity's decimal exponent has more than 2 digits`,
		},
		"existing quantity, too long": {
			f:   small,
			in:  "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, resources: {limits: {cpu: \"" + strings.Repeat("9", 65) + "\"}}}]}\n",
			err: `limits.cpu: quantity longer than 64 characters`,
		},
		"existing quantities with exponents and Ei kept": {
			f: small,
			in: `
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    resources:
      limits: {cpu: 5e3, memory: 1Ei}
`,
			want: `
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    resources:
      limits: {cpu: 5e3, memory: 1Ei}
      requests:
        cpu: 100m
        memory: 256Mi
`,
		},
	})
}

// FuzzParseQuantity: the bounded parser returns quickly on any input, and whatever it
// accepts apimachinery reads the same way.
func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"1", "100m", "1Gi", "5e3", "1Ei", "1E", "1000000E60000000001", "1e-99", "-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseQuantity(s)
		if err != nil {
			return
		}
		if len(s) > maxQuantityLen {
			t.Fatalf("%q accepted: longer than %d", s, maxQuantityLen)
		}
		if want, err := resource.ParseQuantity(s); err != nil || want.Cmp(q) != 0 {
			t.Fatalf("%q: parsed %v, apimachinery %v (%v)", s, q, want, err)
		}
	})
}
