package kustomize

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestKeepContextAbsent: a code server without a container context gets one, unless
// KeepContextAbsent; one it has is extended either way.
func TestKeepContextAbsent(t *testing.T) {
	const without = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    args: [dagster, api, grpc, -p, "3030"]
`
	const with = without + `    env:
    - {name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT, value: '{"k8s":{}}'}
`
	for _, tc := range []struct {
		name, in    string
		keep, wants bool
	}{
		{"absent, created", without, false, true},
		{"absent, kept absent", without, true, false},
		{"present, extended", with, false, true},
		{"present, extended when keeping absent ones absent", with, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := yaml.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			f := testTelemetry
			f.KeepContextAbsent = tc.keep
			if _, err := f.Filter([]*yaml.RNode{n}); err != nil {
				t.Fatal(err)
			}
			got := strings.Contains(n.MustString(), `\"OTEL_SERVICE_NAME\"`) || strings.Contains(n.MustString(), `"name":"OTEL_SERVICE_NAME"`)
			if got != tc.wants {
				t.Errorf("context carries the telemetry: %v, want %v\n%s", got, tc.wants, n.MustString())
			}
			w, _ := FindWorkload(n)
			if DagsterServer(w.Containers()[0]) != DagsterGRPCContext {
				t.Error("DagsterServer does not recognise the code server")
			}
		})
	}
}
