package helm_test

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/kustomize"
)

// dagsterNamespace is where the Dagster platform release runs: not a products' namespace.
const dagsterNamespace = "dagster-platform"

// workspaceEnvs are the monorepo's two environments: a contract each, its products'
// namespace, the products under its directory.
var workspaceEnvs = []struct {
	dir, contract, namespace string
	products                 []string
}{
	{"sales", "platform/pec-sales.yaml", "sales", []string{"orders", "customers", "returns"}},
	{"finance", "platform/pec-finance.yaml", "finance", []string{"ledger", "payments"}},
}

// workspaceRoot builds the monorepo: e2e/helm/testdata/root's Manifest, one contract per
// environment (pec-dev.yaml with the environment's namespace), and the products (the
// example product renamed) under <env>/<product>/floe.yaml.
func workspaceRoot(t *testing.T) string {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("testdata", "root"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(rel string, b []byte) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	write("demo/manifest.yaml", []byte(read("demo/manifest.yaml")))
	contract, product := read("platform/pec-dev.yaml"), read("products/example-product/floe.yaml")
	if !strings.Contains(contract, "namespace: floe-dev\n") || !strings.Contains(product, "name: example-product\n") {
		t.Fatal("the e2e fixtures changed; adapt workspaceRoot")
	}
	for _, env := range workspaceEnvs {
		write(env.contract, []byte(strings.Replace(contract, "namespace: floe-dev\n", "namespace: "+env.namespace+"\n", 1)))
		for _, p := range env.products {
			write(env.dir+"/"+p+"/floe.yaml", []byte(strings.Replace(product, "name: example-product\n", "name: "+p+"\n", 1)))
		}
	}
	return dir
}

// runFloeIn runs the floe binary in dir and fails the test unless it exits 0.
func runFloeIn(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(floeBinary(t), args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("floe %v: %v\n%s", args, err, errb.Bytes())
	}
	return out.Bytes()
}

// renderedServices are the code-server Services floe render gives each product of an
// environment: product (floe.dev/product label) → "<name>.<namespace>".
func renderedServices(t *testing.T, root, dir, contract string) map[string]string {
	t.Helper()
	stream := runFloeIn(t, root, "render", "-q", "--root", ".", "--contract", contract, "--image-tag", "0123456789ab", "--all", dir)
	objs, err := kustomize.ParseStream(stream)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, o := range objs {
		if o.GetKind() != "Service" {
			continue
		}
		product := o.GetLabels()["floe.dev/product"]
		if _, dup := out[product]; dup || product == "" {
			t.Fatalf("Service %s: product %q has no single code-server Service", o.GetName(), product)
		}
		out[product] = o.GetName() + "." + o.GetNamespace()
	}
	return out
}

// grpcServers parses a Dagster workspace.yaml into location_name → "host:port".
func grpcServers(t *testing.T, workspace string) map[string]string {
	t.Helper()
	var ws struct {
		LoadFrom []struct {
			GRPCServer struct {
				Host         string `yaml:"host"`
				Port         int    `yaml:"port"`
				LocationName string `yaml:"location_name"`
			} `yaml:"grpc_server"`
		} `yaml:"load_from"`
	}
	if err := yaml.Unmarshal([]byte(workspace), &ws); err != nil {
		t.Fatalf("workspace.yaml: %v\n%s", err, workspace)
	}
	out := map[string]string{}
	for _, e := range ws.LoadFrom {
		g := e.GRPCServer
		out[g.LocationName] = g.Host + ":" + strconv.Itoa(g.Port)
	}
	return out
}

// wantServers is location_name → "host:port" for every product of the environment,
// hosts built from the Services floe renders.
func wantServers(services map[string]string) map[string]string {
	out := map[string]string{}
	for product, svc := range services {
		out[product] = svc + ".svc.cluster.local:3030"
	}
	return out
}

// objectsOf indexes helm's output by kind/name.
func objectsOf(t *testing.T, out []byte) map[string]*yaml.RNode {
	t.Helper()
	m := map[string]*yaml.RNode{}
	for _, o := range parseOutput(t, out) {
		m[o.node.GetKind()+"/"+o.node.GetName()] = o.node
	}
	return m
}

// mountsWorkspace checks that a Deployment's container runs with
// -w /dagster-workspace/workspace.yaml and mounts the ConfigMap configMap there.
func mountsWorkspace(t *testing.T, d *yaml.RNode, configMap string) {
	t.Helper()
	if d == nil {
		t.Fatal("Deployment missing")
	}
	var spec struct {
		Containers []struct {
			Command      []string `yaml:"command"`
			Args         []string `yaml:"args"`
			VolumeMounts []struct {
				Name      string `yaml:"name"`
				MountPath string `yaml:"mountPath"`
			} `yaml:"volumeMounts"`
		} `yaml:"containers"`
		Volumes []struct {
			Name      string `yaml:"name"`
			ConfigMap struct {
				Name string `yaml:"name"`
			} `yaml:"configMap"`
		} `yaml:"volumes"`
	}
	n, err := d.Pipe(yaml.Lookup("spec", "template", "spec"))
	if err != nil || n == nil {
		t.Fatalf("Deployment/%s has no pod spec", d.GetName())
	}
	if err := n.YNode().Decode(&spec); err != nil || len(spec.Containers) != 1 {
		t.Fatalf("Deployment/%s: %v", d.GetName(), err)
	}
	c := spec.Containers[0]
	if argv := strings.Join(append(c.Command, c.Args...), " "); !strings.Contains(argv, "-w /dagster-workspace/workspace.yaml") {
		t.Errorf("Deployment/%s does not load the workspace: %s", d.GetName(), argv)
	}
	volume := ""
	for _, v := range spec.Volumes {
		if v.ConfigMap.Name == configMap {
			volume = v.Name
		}
	}
	mounted := false
	for _, m := range c.VolumeMounts {
		mounted = mounted || (volume != "" && m.Name == volume && m.MountPath == "/dagster-workspace/")
	}
	if !mounted {
		t.Errorf("Deployment/%s does not mount ConfigMap %s at /dagster-workspace/ (volumes %+v)", d.GetName(), configMap, spec.Volumes)
	}
}

// TestWorkspaceIntoDagsterChart (must-show 1): floe workspace over a monorepo of
// products in two namespaces, in both forms, fed to a chart with the official Dagster
// chart's values schema installed in a third namespace (helm 3 and 4): the schema
// accepts it, the webserver and the daemon load it, and every product's location is
// there with a namespace-qualified host that is the Service floe renders for it. The
// old per-product fragment (deployments without an image) is rejected by the schema.
func TestWorkspaceIntoDagsterChart(t *testing.T) {
	root := workspaceRoot(t)
	chart := repoPath(t, "testdata/charts/dagster-platform")
	hardened := filepath.Join(chart, "ci", "hardened-values.yaml")
	for _, helm := range []string{"helm3", "helm4"} {
		t.Run(helm, func(t *testing.T) {
			e := newEnv(t, helm)
			e.root = root
			for _, env := range workspaceEnvs {
				t.Run(env.dir, func(t *testing.T) {
					services := renderedServices(t, root, env.dir, env.contract)
					if got := slices.Sorted(maps.Keys(services)); !slices.Equal(got, slices.Sorted(slices.Values(env.products))) {
						t.Fatalf("render gave Services for %v, want %v", got, env.products)
					}
					for p, svc := range services {
						if !strings.HasSuffix(svc, "."+env.namespace) {
							t.Errorf("%s: Service %s is not in %s", p, svc, env.namespace)
						}
					}
					want := wantServers(services)
					release := "dagster-" + env.dir
					floeArgs := []string{"workspace", "-q", "--root", ".", "--contract", env.contract, "--image-tag", "0123456789ab", "--all", env.dir}

					// helm-values: dagsterWebserver.workspace.servers → the chart's workspace ConfigMap.
					values := filepath.Join(t.TempDir(), "workspace-values.yaml")
					runFloeIn(t, root, append(floeArgs, "--format", "helm-values", "-o", values)...)
					r := e.run("template", release, chart, "-n", dagsterNamespace, "-f", hardened, "-f", values)
					if r.err != nil {
						t.Fatalf("helm-values rejected: %v\n%s", r.err, r.stderr)
					}
					objs := objectsOf(t, r.stdout)
					cm := objs["ConfigMap/"+release+"-workspace-yaml"]
					if cm == nil {
						t.Fatalf("no workspace ConfigMap in:\n%s", r.stdout)
					}
					if got := grpcServers(t, cm.GetDataMap()["workspace.yaml"]); !maps.Equal(got, want) {
						t.Errorf("helm-values: workspace %v, want %v", got, want)
					}
					mountsWorkspace(t, objs["Deployment/"+release+"-dagster-webserver"], release+"-workspace-yaml")
					mountsWorkspace(t, objs["Deployment/"+release+"-daemon"], release+"-workspace-yaml")

					// configmap: floe's ConfigMap in Dagster's namespace, named by externalConfigmap.
					cmFile := filepath.Join(t.TempDir(), "workspace-configmap.yaml")
					runFloeIn(t, root, append(floeArgs, "--namespace", dagsterNamespace, "--name", release+"-floe-workspace", "-o", cmFile)...)
					b, err := os.ReadFile(cmFile)
					if err != nil {
						t.Fatal(err)
					}
					floeCM, err := kustomize.ParseStream(b)
					if err != nil || len(floeCM) != 1 || floeCM[0].GetKind() != "ConfigMap" || floeCM[0].GetNamespace() != dagsterNamespace {
						t.Fatalf("floe workspace --format configmap: %v\n%s", err, b)
					}
					if got := grpcServers(t, floeCM[0].GetDataMap()["workspace.yaml"]); !maps.Equal(got, want) {
						t.Errorf("configmap: workspace %v, want %v", got, want)
					}
					external := filepath.Join(t.TempDir(), "external.yaml")
					if err := os.WriteFile(external, []byte("dagsterWebserver:\n  workspace:\n    enabled: true\n    servers: []\n    externalConfigmap: "+floeCM[0].GetName()+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
					r = e.run("template", release, chart, "-n", dagsterNamespace, "-f", hardened, "-f", external)
					if r.err != nil {
						t.Fatalf("externalConfigmap rejected: %v\n%s", r.err, r.stderr)
					}
					objs = objectsOf(t, r.stdout)
					if objs["ConfigMap/"+release+"-workspace-yaml"] != nil {
						t.Error("the chart rendered its own workspace ConfigMap next to the external one")
					}
					mountsWorkspace(t, objs["Deployment/"+release+"-dagster-webserver"], floeCM[0].GetName())
					mountsWorkspace(t, objs["Deployment/"+release+"-daemon"], floeCM[0].GetName())
				})
			}

			// The old per-product fragment: deployments [{name, port}] without an image.
			fragment := filepath.Join(t.TempDir(), "fragment.yaml")
			if err := os.WriteFile(fragment, []byte("dagster-user-deployments:\n  enabled: true\n  enableSubchart: false\n  deployments:\n    - name: orders\n      port: 3030\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			r := e.run("template", "dagster", chart, "-n", dagsterNamespace, "-f", fragment)
			if r.err == nil || !strings.Contains(string(r.stderr), "/dagster-user-deployments/deployments/0") || !strings.Contains(string(r.stderr), "missing property 'image'") {
				t.Errorf("the old fragment was not rejected by the schema: %v\n%s", r.err, r.stderr)
			}
			// A workspace server without a host, or with a string port, is rejected too.
			badServers := filepath.Join(t.TempDir(), "bad-servers.yaml")
			if err := os.WriteFile(badServers, []byte("dagsterWebserver:\n  workspace:\n    enabled: true\n    servers:\n      - host: orders.sales.svc.cluster.local\n        port: \"3030\"\n      - port: 3030\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			r = e.run("template", "dagster", chart, "-n", dagsterNamespace, "-f", badServers)
			if r.err == nil || !strings.Contains(string(r.stderr), "got string, want integer") || !strings.Contains(string(r.stderr), "missing property 'host'") {
				t.Errorf("bad workspace servers were not rejected: %v\n%s", r.err, r.stderr)
			}
		})
	}
}
