package kustomize

import (
	"strings"
	"testing"
)

func TestContextIdentityFollowsThePod(t *testing.T) {
	in := "kind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        env:\n" +
		"        - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT\n          value: '{\"k8s\":{\"namespace\":\"kube-system\",\"service_account_name\":\"cluster-admin\"}}'\n" +
		"        - name: DAGSTER_CONTAINER_CONTEXT\n          value: '{\"k8s\":{\"image_pull_policy\":\"Always\"}}'\n"
	out, err := fltApply(t, in, Pipeline(Namespace{Namespace: "floe-dev"}, ServiceAccount{Name: "runner"}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `{"k8s":{"namespace":"floe-dev","service_account_name":"runner"}}`) {
		t.Errorf("context identity not enforced:\n%s", out)
	}
	if !strings.Contains(out, `'{"k8s":{"image_pull_policy":"Always"}}'`) {
		t.Errorf("a context without the keys was rewritten:\n%s", out)
	}
	if _, err := fltApply(t, strings.Replace(in, `{"k8s":{"image_pull_policy":"Always"}}`, `{`, 1), ServiceAccount{Name: "runner"}); err == nil ||
		!strings.Contains(err.Error(), "invalid container context JSON") {
		t.Errorf("invalid context: error %v", err)
	}
}

// FuzzSetContextKey: any input either fails or yields a context a second pass leaves
// unchanged, holding the value wherever the key was.
func FuzzSetContextKey(f *testing.F) {
	for _, s := range []string{`{"k8s":{"namespace":"x"}}`, `{"k8s":{}}`, `{}`, `{"k8s":1}`, `[]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		once, err := setContextKey(raw, "floe-dev", []string{"namespace"})
		if err != nil {
			return
		}
		twice, err := setContextKey(once, "floe-dev", []string{"namespace"})
		if err != nil || twice != once {
			t.Fatalf("not stable: %q then %q (%v)", once, twice, err)
		}
	})
}
