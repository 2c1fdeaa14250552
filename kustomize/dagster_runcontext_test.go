package kustomize

import (
	"encoding/json"
	"strings"
	"testing"
)

// codeServer is a hardened Dagster code server whose context is set by ctx.
func codeServer(ctx string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, namespace: floe-dev}
spec:
  selector:
    matchLabels: {app.kubernetes.io/instance: orders, deployment: orders}
  template:
    metadata:
      labels: {app.kubernetes.io/instance: orders, deployment: orders, cost-center: data}
    spec:
      serviceAccountName: runner
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      nodeSelector: {floe.dev/pool: data}
      containers:
      - name: dagster
        image: registry.example.com/orders:0123456789ab
        imagePullPolicy: IfNotPresent
        args: [dagster, api, grpc]
        envFrom: [{secretRef: {name: polaris}}, {configMapRef: {name: settings}}]
        env:
        - {name: DAGSTER_HOME, value: /opt/dagster/dagster_home}
        - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT
          value: '` + ctx + `'
        - {name: OTEL_SERVICE_NAME, value: orders}
        - name: TOKEN
          valueFrom: {secretKeyRef: {name: s, key: k}}
        resources: {limits: {cpu: 500m, memory: 512Mi}, requests: {cpu: 100m, memory: 256Mi}}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        volumeMounts:
        - {name: tmp, mountPath: /tmp}
        - {name: home, mountPath: /opt/dagster/dagster_home}
        - {name: data, mountPath: /data}
      volumes:
      - {name: tmp, emptyDir: {}}
      - {name: home, emptyDir: {medium: Memory}}
      - {name: data, persistentVolumeClaim: {claimName: data}}
`
}

// runContextOf applies f to in and returns the decoded context of the first container.
func runContextOf(t *testing.T, f DagsterRunContext, in string) map[string]any {
	t.Helper()
	out, err := fltApply(t, in, f)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := ParseStream([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	var raw string
	w, _ := FindWorkload(nodes[0])
	for _, e := range ynGet(w.Containers()[0].YNode(), "env").Content {
		if ynScalar(ynGet(e, "name")) == DagsterGRPCContext {
			raw = ynScalar(ynGet(e, "value"))
		}
	}
	var ctx map[string]any
	if err := json.Unmarshal([]byte(raw), &ctx); err != nil {
		t.Fatalf("context %q: %v", raw, err)
	}
	k8s, _ := ctx["k8s"].(map[string]any)
	return k8s
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestDagsterRunContextCopiesTheCodeServer(t *testing.T) {
	k8s := runContextOf(t, DagsterRunContext{Labels: map[string]string{"app.kubernetes.io/instance": "orders", "app.kubernetes.io/part-of": "floe-jobs"}},
		codeServer(`{"k8s":{"env":[{"name":"OTEL_SERVICE_NAME","value":"stale"},{"name":"RUN_ONLY","value":"1"}],"securityContext":{"privileged":true},"run_k8s_config":{"container_config":{"args":["x"]}}}}`))
	for key, want := range map[string]string{
		"env": `[{"name":"DAGSTER_HOME","value":"/opt/dagster/dagster_home"},{"name":"OTEL_SERVICE_NAME","value":"orders"},` +
			`{"name":"TOKEN","value_from":{"secret_key_ref":{"key":"k","name":"s"}}},{"name":"RUN_ONLY","value":"1"}]`,
		"env_secrets":          `["polaris"]`,
		"env_config_maps":      `["settings"]`,
		"volume_mounts":        `[{"mount_path":"/tmp","name":"tmp"},{"mount_path":"/opt/dagster/dagster_home","name":"home"}]`,
		"volumes":              `[{"empty_dir":{},"name":"tmp"},{"empty_dir":{"medium":"Memory"},"name":"home"}]`,
		"service_account_name": `"runner"`,
		"namespace":            `"floe-dev"`,
		"image_pull_policy":    `"IfNotPresent"`,
		"resources":            `{"limits":{"cpu":"500m","memory":"512Mi"},"requests":{"cpu":"100m","memory":"256Mi"}}`,
		"security_context":     `{"allow_privilege_escalation":false,"capabilities":{"drop":["ALL"]},"read_only_root_filesystem":true}`,
		"labels":               `{"app.kubernetes.io/instance":"orders","app.kubernetes.io/part-of":"floe-jobs","cost-center":"data"}`,
		"run_k8s_config": `{"container_config":{"args":["x"]},"pod_spec_config":{"automount_service_account_token":false,` +
			`"node_selector":{"floe.dev/pool":"data"},"security_context":{"run_as_non_root":true,"run_as_user":1000,"seccomp_profile":{"type":"RuntimeDefault"}}}}`,
	} {
		if got := jsonOf(k8s[key]); got != want {
			t.Errorf("k8s.%s = %s\nwant %s", key, got, want)
		}
	}
	if _, ok := k8s["securityContext"]; ok {
		t.Errorf("the camelCase twin of security_context survived: %v", k8s)
	}
}

func TestDagsterRunContextLeavesOtherContainersAlone(t *testing.T) {
	for name, in := range map[string]string{
		"no context":    strings.Replace(codeServer(""), "        - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT\n          value: ''\n", "", 1),
		"empty context": codeServer(""),
	} {
		t.Run(name, func(t *testing.T) {
			out, err := fltApply(t, in, DagsterRunContext{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out, "k8s") {
				t.Errorf("a context was created:\n%s", out)
			}
		})
	}
}

func TestDagsterRunContextRefusals(t *testing.T) {
	for name, tc := range map[string]struct{ ctx, err string }{
		"not JSON":      {`{"k8s":`, "invalid container context JSON"},
		"k8s not a map": {`{"k8s":[1]}`, "k8s is a JSON list, want an object"},
		"env not list":  {`{"k8s":{"env":{}}}`, "k8s.env is a JSON object, want a list"},
		"labels":        {`{"k8s":{"labels":[]}}`, "k8s.labels is not an object"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := fltApply(t, codeServer(tc.ctx), DagsterRunContext{})
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), `Deployment/floe-dev/orders: container "dagster"`) {
				t.Fatalf("error = %v, want one naming the container and %q", err, tc.err)
			}
		})
	}
}

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{"runAsNonRoot": "run_as_non_root", "hostPID": "host_pid", "downwardAPI": "downward_api",
		"emptyDir": "empty_dir", "name": "name", "fsGroup": "fs_group", "readOnlyRootFilesystem": "read_only_root_filesystem"} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}
