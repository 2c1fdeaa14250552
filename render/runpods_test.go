package render

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/policies"
)

// dagsterInput is one product of the examples or the golden inputs on the Dagster path.
type dagsterInput struct {
	name                   string
	root                   config.Root
	contract, product      string
	namespace, serviceAcct string
}

// dagsterInputs lists every golden render case on the Dagster runtime and every product
// of the bundled demo (examples/demo), which runs on the contract's Dagster spine.
func dagsterInputs(t *testing.T) []dagsterInput {
	t.Helper()
	var out []dagsterInput
	for _, dir := range caseDirs(t) {
		c, root := loadCase(t, dir)
		if c.Runtime == RuntimeDagster {
			out = append(out, dagsterInput{name: "golden/" + filepath.Base(dir), root: root, contract: "contract.yaml", product: "product"})
		}
	}
	demo, err := config.OSRoot(filepath.Join("..", "examples", "demo"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"demo/customer-360", "examples/hello-orders"} {
		out = append(out, dagsterInput{name: "examples/" + p, root: demo, contract: "platform/pec-dev.yaml", product: p})
	}
	for i, in := range out {
		loaded, ds := config.Load(in.root, in.contract, in.product)
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		out[i].namespace, out[i].serviceAcct = loaded.Contract.Environment.Kubernetes.Namespace, loaded.Contract.Access.ServiceAccount
	}
	return out
}

// TestDagsterRunPodsWork is the Dagster run pod of every example and golden product, as
// the K8sRunLauncher builds it from the rendered container context (D-RND-23, D-GATE-08):
// it passes the gate at strict, writes to emptyDir /tmp and DAGSTER_HOME on a read-only
// root, and carries the five telemetry variables.
func TestDagsterRunPodsWork(t *testing.T) {
	for _, in := range dagsterInputs(t) {
		t.Run(in.name, func(t *testing.T) {
			res, err := Render(context.Background(), Options{Root: in.root, ContractPath: in.contract, ProductPath: in.product,
				Runtime: RuntimeDagster, ImageTag: testTag, Now: testNow, Enforcement: policies.LevelStrict})
			if err != nil {
				t.Fatalf("render at strict (the run pod is judged with the stream): %v", err)
			}
			objs, err := policies.ParseObjects("(rendered)", res.YAML)
			if err != nil {
				t.Fatal(err)
			}
			runs, err := policies.DagsterRuns(objs)
			if err != nil || len(runs) != 1 {
				t.Fatalf("%d run pods, err %v; want one per code location", len(runs), err)
			}
			run := runs[0]
			if run.Namespace() != in.namespace {
				t.Errorf("run Job in namespace %q, want %q", run.Namespace(), in.namespace)
			}
			tmpl := mapAt(run.Value, "spec", "template")
			spec := mapAt(tmpl, "spec")
			if spec["serviceAccountName"] != in.serviceAcct || spec["automountServiceAccountToken"] != false {
				t.Errorf("run pod identity: sa %v, automount %v", spec["serviceAccountName"], spec["automountServiceAccountToken"])
			}
			if labels := mapAt(tmpl, "metadata", "labels"); labels["app.kubernetes.io/part-of"] != "floe-jobs" || labels["floe.dev/product"] == nil {
				t.Errorf("run pod labels %v", labels)
			}
			containers, _ := spec["containers"].([]any)
			c, _ := containers[0].(map[string]any)
			if c["name"] != "dagster" || !strings.HasPrefix(c["image"].(string), "registry.example.com/data-products/") {
				t.Errorf("run container %v %v", c["name"], c["image"])
			}
			if sc := mapAt(c, "securityContext"); sc["readOnlyRootFilesystem"] != true {
				t.Errorf("run container securityContext %v, want a read-only root", sc)
			}
			env := map[string]string{}
			for _, e := range c["env"].([]any) {
				em := e.(map[string]any)
				if v, ok := em["value"].(string); ok {
					env[em["name"].(string)] = v
				}
			}
			for _, name := range requiredEnv { // the five telemetry variables
				if env[name] == "" {
					t.Errorf("run container lacks %s: %v", name, env)
				}
			}
			emptyDirs := map[string]bool{}
			for _, v := range spec["volumes"].([]any) {
				if vm := v.(map[string]any); vm["emptyDir"] != nil {
					emptyDirs[vm["name"].(string)] = true
				}
			}
			mounts, _ := c["volumeMounts"].([]any)
			for _, dir := range []string{"/tmp", env["DAGSTER_HOME"]} {
				if dir == "" || !slices.ContainsFunc(mounts, func(m any) bool {
					mm := m.(map[string]any)
					return mm["mountPath"] == dir && mm["readOnly"] != true && emptyDirs[mm["name"].(string)]
				}) {
					t.Errorf("run container has no writable emptyDir at %q: %v", dir, mounts)
				}
			}
		})
	}
}

// TestDagsterRunPodWeaknessesFailTheGate: a container context an overlay weakens, in
// a way the code server does not show, fails the render at strict with findings on the
// run pod that name the code location; at warn they are warnings.
func TestDagsterRunPodWeaknessesFailTheGate(t *testing.T) {
	ctx := func(run string) weakening {
		return weakening{ops: `- {op: test, path: "{pod}/containers/0/env/2/name", value: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT}
- {op: replace, path: "{pod}/containers/0/env/2/value", value: '{"k8s":{"run_k8s_config":` + run + `}}'}`}
	}
	for name, tc := range map[string]struct {
		w    weakening
		want string
	}{
		"run mounts replace /tmp and DAGSTER_HOME": {ctx(`{"container_config":{"volume_mounts":[{"name":"dbt-target","mount_path":"/app/customer_360/target"}]}}`),
			`POL-DAG-01: run pod Dagster launches for code location "customer-360" (from Deployment/customer-360, container "dagster", DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT): container "dagster": /tmp is not on a writable emptyDir mount`},
		"writable root": {ctx(`{"container_config":{"security_context":{"read_only_root_filesystem":false}}}`),
			`POL-SEC-04: run pod Dagster launches for code location "customer-360"`},
		"another service account": {ctx(`{"pod_spec_config":{"service_account_name":"cluster-admin"}}`),
			`POL-SEC-07: run pod Dagster launches for code location "customer-360"`},
		"a sidecar without telemetry": {ctx(`{"pod_spec_config":{"containers":[{"name":"side","image":"registry.example.com/data-products/customer-360:0123456789ab"}]}}`),
			`POL-OTEL-01: run pod Dagster launches for code location "customer-360"`},
	} {
		t.Run(name, func(t *testing.T) {
			root := weakeningRoot(t, policies.LevelStrict, RuntimeDagster, tc.w)
			_, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
				Runtime: RuntimeDagster, ImageTag: testTag, Enforcement: policies.LevelStrict})
			var code diag.ExitCode
			if err == nil || !errors.As(err, &code) || code.ExitCode() != 1 || !strings.Contains(err.Error(), tc.want) ||
				!strings.Contains(err.Error(), "Job/dagster-run-customer-360") {
				t.Fatalf("want a denial (exit 1) containing %q, got %v", tc.want, err)
			}
			root = weakeningRoot(t, policies.LevelWarn, RuntimeDagster, tc.w)
			res, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
				Runtime: RuntimeDagster, ImageTag: testTag, Enforcement: policies.LevelWarn})
			if err != nil || !strings.Contains(res.Warnings.Error(), tc.want) {
				t.Fatalf("at warn: err %v, warnings %v; want a warning containing %q", err, res.Warnings, tc.want)
			}
		})
	}
}

// mapAt follows keys through nested objects ({} when one is missing).
func mapAt(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m, _ = m[k].(map[string]any)
	}
	if m == nil {
		return map[string]any{}
	}
	return m
}
