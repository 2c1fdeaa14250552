package policies

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/floe-dev/floe/config"
)

// codeLocation is a code server Deployment whose context is ctx (a YAML single-quoted
// scalar's content).
func codeLocation(ctx string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: orders-code, namespace: floe-dev}
spec:
  template:
    metadata: {labels: {deployment: orders}}
    spec:
      containers:
      - name: server
        image: registry.example.com/orders:server
        env:
        - {name: DAGSTER_CURRENT_IMAGE, value: "registry.example.com/orders:0123456789ab"}
        - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT
          value: '` + ctx + `'
`
}

// runOf builds the one run Job of a code location and returns it as JSON.
func runOf(t *testing.T, ctx string) (Object, string) {
	t.Helper()
	runs, err := DagsterRuns(mustParse(t, "s.yaml", codeLocation(ctx)))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Fatalf("%d runs, want 1", len(runs))
	}
	b, _ := json.Marshal(runs[0].Value)
	return runs[0], string(b)
}

// TestDagsterRunsLauncherShape: the Job is the one dagster-k8s' K8sRunLauncher builds
// (D-GATE-08), from the top-level fields and run_k8s_config merged over them.
func TestDagsterRunsLauncherShape(t *testing.T) {
	run, got := runOf(t, `{"k8s":{"namespace":"floe-dev","service_account_name":"runner","image_pull_policy":"IfNotPresent",`+
		`"env_config_maps":["tel"],"env_secrets":["polaris"],"env_vars":["A=1","B"],"env":[{"name":"C","value_from":{"secret_key_ref":{"name":"s","key":"k"}}}],`+
		`"volumes":[{"name":"tmp","empty_dir":{}}],"volume_mounts":[{"name":"tmp","mount_path":"/tmp"}],`+
		`"resources":{"limits":{"cpu":"1"}},"security_context":{"read_only_root_filesystem":true},"labels":{"app.kubernetes.io/part-of":"floe-jobs","x_y":"1"},`+
		`"run_k8s_config":{"pod_spec_config":{"automount_service_account_token":false,"host_pid":false,"security_context":{"run_as_user":1000}},`+
		`"pod_template_spec_metadata":{"annotations":{"a_b":"c"}},"job_spec_config":{"backoff_limit":2}}}}`)
	want := `{"apiVersion":"batch/v1","kind":"Job","metadata":{"annotations":{"floe.dev/dagster-run-of":"Deployment/orders-code"},` +
		`"labels":{"app.kubernetes.io/component":"run_worker","app.kubernetes.io/instance":"dagster","app.kubernetes.io/name":"dagster","app.kubernetes.io/part-of":"floe-jobs","dagster/code-location":"orders","x_y":"1"},` +
		`"name":"dagster-run-orders","namespace":"floe-dev"},` +
		`"spec":{"backoffLimit":2,"template":{"metadata":{"annotations":{"a_b":"c"},` +
		`"labels":{"app.kubernetes.io/component":"run_worker","app.kubernetes.io/instance":"dagster","app.kubernetes.io/name":"dagster","app.kubernetes.io/part-of":"floe-jobs","dagster/code-location":"orders","x_y":"1"},"name":"dagster-run-orders"},` +
		`"spec":{"automountServiceAccountToken":false,"containers":[{"args":["dagster","api","execute_run"],` +
		`"env":[{"name":"DAGSTER_HOME","value":"/opt/dagster/dagster_home"},{"name":"A","value":"1"},{"name":"B"},{"name":"C","valueFrom":{"secretKeyRef":{"key":"k","name":"s"}}}],` +
		`"envFrom":[{"configMapRef":{"name":"tel"}},{"secretRef":{"name":"polaris"}}],"image":"registry.example.com/orders:0123456789ab","imagePullPolicy":"IfNotPresent","name":"dagster",` +
		`"resources":{"limits":{"cpu":"1"}},"securityContext":{"readOnlyRootFilesystem":true},"volumeMounts":[{"mountPath":"/tmp","name":"tmp"}]}],` +
		`"hostPID":false,"restartPolicy":"Never","securityContext":{"runAsUser":1000},"serviceAccountName":"runner","volumes":[{"emptyDir":{},"name":"tmp"}]}},"ttlSecondsAfterFinished":86400}}`
	if got != want {
		t.Errorf("run Job\n got %s\nwant %s", got, want)
	}
	if run.File != "s.yaml" || run.Line != 1 || !strings.Contains(run.Origin, `code location "orders"`) || !strings.Contains(run.Origin, "Deployment/orders-code") {
		t.Errorf("run located at %s:%d, origin %q", run.File, run.Line, run.Origin)
	}
}

// TestDagsterRunsMerge: run_k8s_config replaces the base field by field (SHALLOW), or
// merges into it (DEEP); the token is mounted unless the context says otherwise.
func TestDagsterRunsMerge(t *testing.T) {
	base := `"volumes":[{"name":"tmp","empty_dir":{}}],"volume_mounts":[{"name":"tmp","mount_path":"/tmp"}],"security_context":{"read_only_root_filesystem":true}`
	for name, tc := range map[string]struct{ ctx, has, lacks string }{
		"shallow replaces the mounts": {`{"k8s":{` + base + `,"run_k8s_config":{"container_config":{"volume_mounts":[{"name":"d","mount_path":"/d"}]}}}}`,
			`"volumeMounts":[{"mountPath":"/d","name":"d"}]`, `"/tmp"`},
		"shallow replaces the security context": {`{"k8s":{` + base + `,"run_k8s_config":{"container_config":{"securityContext":{"readOnlyRootFilesystem":false}}}}}`,
			`"securityContext":{"readOnlyRootFilesystem":false}`, `"readOnlyRootFilesystem":true`},
		"deep appends": {`{"k8s":{` + base + `,"run_k8s_config":{"merge_behavior":"DEEP","container_config":{"volume_mounts":[{"name":"d","mount_path":"/d"}]}}}}`,
			`"volumeMounts":[{"mountPath":"/tmp","name":"tmp"},{"mountPath":"/d","name":"d"}]`, ``},
		"token mounted by default": {`{"k8s":{}}`, `"automountServiceAccountToken":true`, `"namespace"`},
		"pod spec sidecars run too": {`{"k8s":{"run_k8s_config":{"pod_spec_config":{"containers":[{"name":"side","image":"busybox"}]}}}}`,
			`{"image":"busybox","name":"side"}`, ``},
		"container config renames and re-images": {`{"k8s":{"run_k8s_config":{"container_config":{"name":"main","image":"other:1"}}}}`,
			`"image":"other:1","name":"main"`, `0123456789ab`},
		"top-level env_vars": {`{"env_vars":["TOP=1"],"k8s":{}}`, `{"name":"TOP","value":"1"}`, ``},
	} {
		t.Run(name, func(t *testing.T) {
			_, got := runOf(t, tc.ctx)
			if !strings.Contains(got, tc.has) || (tc.lacks != "" && strings.Contains(got, tc.lacks)) {
				t.Errorf("run Job %s\nwant it to contain %s and not %q", got, tc.has, tc.lacks)
			}
		})
	}
}

func TestDagsterRunsSkipsAndRefuses(t *testing.T) {
	for _, ctx := range []string{"", "  ", "null"} {
		runs, err := DagsterRuns(mustParse(t, "s.yaml", codeLocation(ctx)))
		if err != nil || len(runs) != 0 {
			t.Errorf("context %q: %d runs, err %v; want none", ctx, len(runs), err)
		}
	}
	deep := strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100)
	for ctx, want := range map[string]string{
		`{"k8s":`:   "invalid container context JSON",
		`[]`:        "is not a JSON object",
		`{"k8s":1}`: "k8s is not an object",
		`{} {}`:     "data after the object",
		`{"k8s":{"run_k8s_config":{"pod_spec_config":{"host_pid":true,"hostPID":true}}}}`: "sets hostPID twice",
		`{"k8s":{"run_k8s_config":{"pod_spec_config":` + deep + `}}}`:                     "nests too deeply",
		`{"k8s":{"run_k8s_config":{},"runK8sConfig":{}}}`:                                 "both run_k8s_config and runK8sConfig",
	} {
		_, err := DagsterRuns(mustParse(t, "s.yaml", codeLocation(ctx)))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), `s.yaml:1: Deployment/orders-code: container "server": DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT: `) {
			t.Errorf("context %s: error %v, want a located one containing %q", ctx, err, want)
		}
	}
}

// TestGateJudgesDagsterRuns: Gate.Run, which every door uses, judges the run pods and
// names the code location in their findings.
func TestGateJudgesDagsterRuns(t *testing.T) {
	c := &config.Contract{}
	c.Environment.Kubernetes.Namespace = "floe-dev"
	g, err := NewGate(context.Background(), GateConfig{Contract: c, Level: LevelStrict, Engine: testEngine(t), Now: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := g.Run(context.Background(), mustParse(t, "s.yaml", codeLocation(`{"k8s":{"namespace":"floe-dev","security_context":{"read_only_root_filesystem":true}}}`)))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Resource == "Job/dagster-run-orders" {
			if f.File != "s.yaml" || f.Line != 1 || !strings.HasPrefix(f.Message, `run pod Dagster launches for code location "orders" (from Deployment/orders-code, container "server", DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT): `) {
				t.Errorf("finding %+v not located at the code server or not naming the code location", f)
			}
			found[f.Rule] = true
		}
	}
	for _, rule := range []string{"POL-DAG-01", "POL-SEC-07", "POL-SEC-01"} {
		if !found[rule] {
			t.Errorf("the run pod was not judged by %s: %v", rule, rep.Findings)
		}
	}
	if !rep.Denied() {
		t.Error("a weak run pod did not fail the gate at strict")
	}
}

// FuzzDagsterRuns: any context either builds Jobs the engine can take as input, or
// fails with an error naming the object.
func FuzzDagsterRuns(f *testing.F) {
	for _, s := range []string{`{"k8s":{}}`, `{"k8s":{"env":[{"name":"A"}],"run_k8s_config":{"merge_behavior":"DEEP","container_config":{"env":[1]}}}}`,
		`{"k8s":{"volumes":"x","labels":{"a":1}}}`, `null`, `1`, `{"k8s":{"run_k8s_config":{"pod_spec_config":{"containers":"x"}}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ctx string) {
		obj := map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p"},
			"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "env": []any{
				map[string]any{"name": "DAGSTER_CONTAINER_CONTEXT", "value": ctx}}}}}}
		runs, err := DagsterRuns([]Object{{File: "f.yaml", Line: 3, Value: obj}})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml:3: Pod/p: ") {
				t.Fatalf("error does not name the object: %v", err)
			}
			return
		}
		if _, err := inputItems(runs); err != nil {
			t.Fatalf("run Jobs do not convert to rego input: %v", err)
		}
	})
}
