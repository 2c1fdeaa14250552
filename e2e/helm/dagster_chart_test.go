package helm_test

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestDagsterPlatformChart holds testdata/charts/dagster-platform to the official
// chart's shape where floe's tests rely on it: one Deployment + Service per user
// deployment, `dagster api grpc` with DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT or
// `dagster code-server start` with DAGSTER_CONTAINER_CONTEXT, no context when
// includeConfigInLaunchedRuns.enabled is false, the migrate Job, and the generated
// workspace (bare Service names) that webserver and daemon mount.
func TestDagsterPlatformChart(t *testing.T) {
	chart := repoPath(t, "testdata/charts/dagster-platform")
	values := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(values, []byte(`migrate:
  enabled: true
dagster-user-deployments:
  deployments:
    - name: orders
      image: {repository: registry.example.com/orders, tag: abc, pullPolicy: IfNotPresent}
      port: 3030
      dagsterApiGrpcArgs: ["-m", "orders.definitions"]
      env: [{name: TEAM, value: sales}]
    - name: ledger
      image: {repository: registry.example.com/ledger, tag: abc, pullPolicy: IfNotPresent}
      port: 3031
      codeServerArgs: ["-m", "ledger.definitions"]
    - name: quiet
      image: {repository: registry.example.com/quiet, tag: abc, pullPolicy: IfNotPresent}
      port: 3030
      codeServerArgs: ["-m", "quiet.definitions"]
      includeConfigInLaunchedRuns: {enabled: false}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, helm := range []string{"helm3", "helm4"} {
		t.Run(helm, func(t *testing.T) {
			e := newEnv(t, helm)
			r := e.run("template", "dagster", chart, "-n", dagsterNamespace, "-f", values)
			if r.err != nil {
				t.Fatalf("helm template: %v\n%s", r.err, r.stderr)
			}
			objs := objectsOf(t, r.stdout)
			for _, tc := range []struct {
				name, args, contextVar string
			}{
				{"orders", "dagster api grpc -h 0.0.0.0 -p 3030 -m orders.definitions", "DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT"},
				{"ledger", "dagster code-server start -h 0.0.0.0 -p 3031 -m ledger.definitions", "DAGSTER_CONTAINER_CONTEXT"},
				{"quiet", "dagster code-server start -h 0.0.0.0 -p 3030 -m quiet.definitions", ""},
			} {
				d := objs["Deployment/dagster-dagster-user-deployments-"+tc.name]
				if d == nil || objs["Service/"+tc.name] == nil {
					t.Fatalf("%s: Deployment or Service missing", tc.name)
				}
				containers, _ := d.Pipe(yaml.Lookup("spec", "template", "spec", "containers"))
				c := containers.YNode().Content[0]
				var spec struct {
					Args []string `yaml:"args"`
				}
				_ = c.Decode(&spec)
				if got := strings.Join(spec.Args, " "); got != tc.args {
					t.Errorf("%s: args %q, want %q", tc.name, got, tc.args)
				}
				env := envOf(yaml.NewRNode(c))
				contexts := 0
				for _, v := range []string{"DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT", "DAGSTER_CONTAINER_CONTEXT"} {
					if raw, ok := env[v]; ok {
						contexts++
						if v != tc.contextVar || !strings.Contains(raw, `"namespace":"`+dagsterNamespace+`"`) {
							t.Errorf("%s: %s = %s", tc.name, v, raw)
						}
					}
				}
				if want := map[bool]int{true: 1, false: 0}[tc.contextVar != ""]; contexts != want {
					t.Errorf("%s: %d container contexts, want %d", tc.name, contexts, want)
				}
			}
			if objs["Job/dagster-instance-migrate"] == nil {
				t.Error("migrate Job missing")
			}
			cm := objs["ConfigMap/dagster-workspace-yaml"]
			if cm == nil {
				t.Fatal("workspace ConfigMap missing")
			}
			want := map[string]string{"orders": "orders:3030", "ledger": "ledger:3031", "quiet": "quiet:3030"}
			if got := grpcServers(t, cm.GetDataMap()["workspace.yaml"]); !maps.Equal(got, want) {
				t.Errorf("generated workspace %v, want %v", got, want)
			}
			mountsWorkspace(t, objs["Deployment/dagster-dagster-webserver"], "dagster-workspace-yaml")
			mountsWorkspace(t, objs["Deployment/dagster-daemon"], "dagster-workspace-yaml")
		})
	}
}
