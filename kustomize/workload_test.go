package kustomize

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestFindWorkload(t *testing.T) {
	cases := map[string]struct {
		in         string
		containers []string // container names, then initContainer names
		podLabel   string   // value of label "pod" on the template's metadata
		none       bool
	}{
		"Deployment": {in: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    metadata: {labels: {pod: d}}
    spec:
      initContainers: [{name: init}]
      containers: [{name: a}, {name: b}]
`, containers: []string{"a", "b", "init"}, podLabel: "d"},
		"StatefulSet": {in: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: s}
spec: {template: {metadata: {labels: {pod: s}}, spec: {containers: [{name: a}]}}}
`, containers: []string{"a"}, podLabel: "s"},
		"DaemonSet": {in: `
kind: DaemonSet
metadata: {name: s}
spec: {template: {spec: {containers: [{name: a}]}}}
`, containers: []string{"a"}},
		"ReplicaSet": {in: `
kind: ReplicaSet
metadata: {name: s}
spec: {template: {spec: {containers: [{name: a}]}}}
`, containers: []string{"a"}},
		"Job": {in: `
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec: {template: {metadata: {labels: {pod: j}}, spec: {containers: [{name: dbt}]}}}
`, containers: []string{"dbt"}, podLabel: "j"},
		"CronJob": {in: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: c, labels: {pod: wrong}}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {pod: c}}
        spec: {containers: [{name: dbt}]}
`, containers: []string{"dbt"}, podLabel: "c"},
		"Pod": {in: `
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {pod: p}}
spec: {containers: [{name: a}], initContainers: [{name: i}]}
`, containers: []string{"a", "i"}, podLabel: "p"},
		"PodTemplate": {in: `
apiVersion: v1
kind: PodTemplate
metadata: {name: p}
template: {metadata: {labels: {pod: t}}, spec: {containers: [{name: a}]}}
`, containers: []string{"a"}, podLabel: "t"},
		"custom resource with spec.template": {in: `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec: {template: {metadata: {labels: {pod: r}}, spec: {containers: [{name: a}]}}}
`, containers: []string{"a"}, podLabel: "r"},
		"custom resource with jobTemplate": {in: `
apiVersion: example.dev/v1
kind: ScheduledThing
metadata: {name: r}
spec: {jobTemplate: {spec: {template: {metadata: {labels: {pod: r}}, spec: {containers: [{name: a}]}}}}}
`, containers: []string{"a"}, podLabel: "r"},
		"custom resource with spec.containers": {in: `
apiVersion: example.dev/v1
kind: Runner
metadata: {name: r, labels: {pod: r}}
spec: {containers: [{name: a}]}
`, containers: []string{"a"}, podLabel: "r"},
		"custom resource without pod template": {in: `
apiVersion: example.dev/v1
kind: Thing
metadata: {name: r}
spec: {template: {name: not-a-pod}}
`, none: true},
		"ConfigMap": {in: `
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {spec: x}
`, none: true},
		"CustomResourceDefinition": {in: `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.dev}
spec: {containers: [{name: trap}]}
`, none: true},
		"Deployment without template": {in: `
kind: Deployment
metadata: {name: d}
spec: {replicas: 1}
`, none: true},
		"containers not a list": {in: `
kind: Deployment
metadata: {name: d}
spec: {template: {spec: {containers: nope}}}
`, containers: nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			nodes, err := ParseStream([]byte(tc.in))
			if err != nil || len(nodes) != 1 {
				t.Fatalf("parse: %d nodes, %v", len(nodes), err)
			}
			w, ok := FindWorkload(nodes[0])
			if ok == tc.none {
				t.Fatalf("FindWorkload ok = %v", ok)
			}
			if tc.none {
				return
			}
			var names []string
			for _, c := range w.Containers() {
				names = append(names, c.Field("name").Value.YNode().Value)
			}
			if !slices.Equal(names, tc.containers) {
				t.Errorf("containers = %v, want %v", names, tc.containers)
			}
			if got := w.Template.GetLabels()["pod"]; got != tc.podLabel {
				t.Errorf("template label pod = %q, want %q", got, tc.podLabel)
			}
			if w.Spec.Field("containers") == nil {
				t.Errorf("Spec has no containers field")
			}
		})
	}
}

func TestMatchSelector(t *testing.T) {
	const deploy = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/instance: customer-360, component: web}
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/instance: customer-360, component: server, tier: gold}
    spec: {containers: [{name: a}]}
`
	const cm = `
apiVersion: v1
kind: ConfigMap
metadata: {name: c, labels: {app.kubernetes.io/instance: customer-360}}
`
	cases := map[string]struct {
		obj, sel string
		want     bool
		err      string
	}{
		"empty selects all":              {deploy, "", true, ""},
		"object label":                   {deploy, "component=web", true, ""},
		"pod template label":             {deploy, "tier=gold", true, ""},
		"neither":                        {deploy, "tier=silver", false, ""},
		"object matches, pod does not":   {deploy, "app.kubernetes.io/instance=customer-360,component!=server", true, ""},
		"pod matches, object does not":   {deploy, "app.kubernetes.io/instance=customer-360,component!=web", true, ""},
		"both excluded":                  {deploy, "app.kubernetes.io/instance=customer-360,component notin (web,server)", false, ""},
		"exists":                         {deploy, "tier", true, ""},
		"not exists on one side":         {deploy, "!tier", true, ""},
		"non-workload":                   {cm, "app.kubernetes.io/instance=customer-360", true, ""},
		"non-workload no match":          {cm, "app.kubernetes.io/instance=other", false, ""},
		"non-workload without labels":    {"kind: Secret\nmetadata: {name: s}\n", "a=b", false, ""},
		"non-workload without labels, !": {"kind: Secret\nmetadata: {name: s}\n", "!a", true, ""},
		"bad selector":                   {cm, "a==b==c", false, `selector "a==b==c"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			n, err := yaml.Parse(strings.TrimPrefix(tc.obj, "\n"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := MatchSelector(tc.sel, n)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("MatchSelector(%q) = %v, want %v", tc.sel, got, tc.want)
			}
		})
	}
}
