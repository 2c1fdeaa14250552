package kustomize

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseStream: ParseStream never panics; what it accepts emits, parses
// back to the same number of objects and emits identically (stable), and
// the post-render chain on it is idempotent.
func FuzzParseStream(f *testing.F) {
	for _, name := range []string{"floe-jobs-customer-360.helm-template.yaml", "dagster-user-deployments.helm4.yaml"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "---\n---\n", "kind: List\nitems:\n- kind: A\n", "a: &x 1\nb: *x\n", "- a\n", "kind: [\n",
		"a: &a [x, *a]\n", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b, *b]\n", "a: &m {x: 1}\nb:\n  <<: *m\n  y: 2\n",
		"kind: Pod\nspec:\n  containers:\n  - name: c\n    args: [dagster, api, grpc]\n",
		"kind: Pod\nspec: {containers: [{name: c, env: [{name: DAGSTER_CONTAINER_CONTEXT, value: '{\"k8s\":1}'}]}]}\n",
	} {
		f.Add([]byte(s))
	}
	chain := goldenChain("p", "", "")
	f.Fuzz(func(t *testing.T, in []byte) {
		nodes, err := ParseStream(in)
		if err != nil {
			if strings.Contains(err.Error(), "document 0") {
				t.Fatalf("document numbers start at 1: %v", err)
			}
			return
		}
		out, err := EmitStream(nodes)
		if err != nil {
			return // e.g. invalid UTF-8 the emitter refuses
		}
		again, err := ParseStream(out)
		if err != nil {
			t.Fatalf("emitted stream does not parse: %v\n%s", err, out)
		}
		if len(again) != len(nodes) {
			t.Fatalf("%d objects became %d", len(nodes), len(again))
		}
		out2, err := EmitStream(again)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("emit not stable (%v):\n%s\n---- vs ----\n%s", err, out, out2)
		}
		first, err := Transform(out, chain...)
		if err != nil {
			return
		}
		second, err := Transform(first, chain...)
		if err != nil {
			t.Fatalf("second pass failed: %v", err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("post-render chain not idempotent:\n%s\n---- vs ----\n%s", first, second)
		}
	})
}

// FuzzContainerContext: any container context either errors or yields valid
// JSON holding every variable, and a second pass changes nothing.
func FuzzContainerContext(f *testing.F) {
	for _, s := range []string{
		"", "{}", "null", `{"k8s":{"env":[{"name":"A","value":"x"}]}}`, `{"k8s":{"env_vars":["A=1","B"]}}`,
		`{"k8s":{"env_config_maps":["cm"],"resources":{"limits":{"cpu":1.50}}}}`, `{"k8s":null}`, `[1]`, `{"k8s":`,
	} {
		f.Add(s)
	}
	vars := []ctxVar{{name: "A", value: "enforced", enforce: true}, {name: "B", value: "default"}}
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := extendContainerContext(raw, vars, "cm")
		if err != nil {
			return
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("invalid JSON %q from %q: %v", out, raw, err)
		}
		if !strings.Contains(out, `"A`) || !strings.Contains(out, `"B`) || !strings.Contains(out, `"cm"`) {
			t.Fatalf("variables missing in %q (from %q)", out, raw)
		}
		again, err := extendContainerContext(out, vars, "cm")
		if err != nil || again != out {
			t.Fatalf("second pass: %q, %v (first %q)", again, err, out)
		}
	})
}

// FuzzDagsterRunContext: any container context either errors or yields valid JSON that
// carries the code server's /tmp mount and service account, and a second pass changes
// nothing.
func FuzzDagsterRunContext(f *testing.F) {
	for _, s := range []string{"{}", "null", `{"k8s":{"env":[{"name":"A","value":"x"}],"labels":{"a":"b"}}}`,
		`{"k8s":{"volumes":[{"name":"tmp","host_path":{}}],"run_k8s_config":{"pod_spec_config":{"securityContext":{}}}}}`,
		`{"k8s":null}`, `[1]`, `{"k8s":{"run_k8s_config":7}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if strings.ContainsAny(raw, "'\n\r") || strings.TrimSpace(raw) == "" {
			return // the fixture quotes the context in a single-quoted YAML scalar
		}
		nodes, err := ParseStream([]byte(codeServer(raw)))
		if err != nil {
			return
		}
		flt := DagsterRunContext{Labels: map[string]string{"run": "yes"}}
		if nodes, err = flt.Filter(nodes); err != nil {
			return
		}
		first, err := EmitStream(nodes)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(first, []byte(`{"mount_path":"/tmp","name":"tmp"}`)) || !bytes.Contains(first, []byte(`"service_account_name":"runner"`)) {
			t.Fatalf("the code server's settings are missing from %s", first)
		}
		nodes, err = ParseStream(first)
		if err != nil {
			t.Fatal(err)
		}
		if nodes, err = flt.Filter(nodes); err != nil {
			t.Fatalf("second pass: %v", err)
		}
		second, _ := EmitStream(nodes)
		if !bytes.Equal(first, second) {
			t.Fatalf("not idempotent:\n%s\n---- vs ----\n%s", first, second)
		}
	})
}
