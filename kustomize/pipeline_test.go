package kustomize

import (
	"errors"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestPipeline(t *testing.T) {
	var seen []int
	count := func(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
		seen = append(seen, len(nodes))
		return nodes, nil
	}
	in := "kind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n"
	nodes, err := ParseStream([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Pipeline(kio.FilterFunc(count), DropTestHooks{}, kio.FilterFunc(count)).Filter(nodes)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 0 || len(seen) != 2 || seen[0] != 1 || seen[1] != 0 {
		t.Fatalf("out %d, filters saw %v; want 0 and [1 0] (runs on after an empty result)", len(out), seen)
	}

	boom := errors.New("boom")
	_, err = Pipeline(kio.FilterFunc(func([]*yaml.RNode) ([]*yaml.RNode, error) { return nil, boom }), kio.FilterFunc(count)).Filter(nodes)
	if !errors.Is(err, boom) || len(seen) != 2 {
		t.Fatalf("error %v, later filter ran: %v", err, len(seen) != 2)
	}
}

func TestTransformErrorsGiveNoOutput(t *testing.T) {
	cases := map[string]struct {
		in      string
		filters []kio.Filter
		err     string
	}{
		"parse error": {in: "kind: A\n---\nkind: [\n", err: "document 2"},
		"filter error": {
			in:      "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, env: {}}]}\n",
			filters: []kio.Filter{Labels{Labels: map[string]string{"a": "b"}}, Telemetry{Enforce: []EnvVar{{"A", "1"}}}},
			err:     `telemetry: Pod/p: container "c": env is not a list`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := Transform([]byte(tc.in), tc.filters...)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error = %v, want %q", err, tc.err)
			}
			if out != nil {
				t.Fatalf("partial output on error: %q", out)
			}
		})
	}
}
