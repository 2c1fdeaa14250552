package helm_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/kustomize"
)

// platformChart is the test chart in the shape of Dagster's official chart.
const platformChart = "testdata/charts/dagster-platform"

// platformRoot writes a scratch repository: the strict platform contract and the demo
// Manifest from testdata/root, n products (loc-000 …) under products/, and the values
// giving the chart one hardened code location per product (every third one started
// with `dagster code-server start`, location 1 with includeConfigInLaunchedRuns off).
func platformRoot(t *testing.T, n int) (root, values string) {
	t.Helper()
	root = t.TempDir()
	for _, f := range []string{"platform/pec-platform.yaml", "demo/manifest.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "root", f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(root, f), string(b))
	}
	var v strings.Builder
	v.WriteString("dagster-user-deployments:\n  deployments:\n")
	for i := range n {
		name := locName(i)
		writeFile(t, filepath.Join(root, "products", name, "floe.yaml"), fmt.Sprintf(`apiVersion: floe.dev/v1
kind: FloeSpec
metadata:
  name: %s
  version: 0.1.0
  description: Code location %d of the platform release.
  owner: data-engineering@example.com
platform:
  manifest: "../../demo/manifest.yaml"
transforms:
  - name: stg_%s
`, name, i, strings.ReplaceAll(name, "-", "_")))
		start := "dagsterApiGrpcArgs"
		if i%3 == 2 {
			start = "codeServerArgs"
		}
		fmt.Fprintf(&v, `    - name: %s
      image: {repository: registry.example.com/data-products/%s, tag: "0123456789ab", pullPolicy: IfNotPresent}
      %s: ["-m", "%s.definitions"]
      port: 3030
      includeConfigInLaunchedRuns: {enabled: %t}
      podSecurityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: {type: RuntimeDefault}}
      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000, capabilities: {drop: [ALL]}}
      resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: 500m, memory: 512Mi}}
      volumes: [{name: tmp, emptyDir: {}}, {name: dagster-home, emptyDir: {}}]
      volumeMounts: [{name: tmp, mountPath: /tmp}, {name: dagster-home, mountPath: /opt/dagster/dagster_home}]
`, name, name, start, strings.ReplaceAll(name, "-", "_"), i != 1)
	}
	values = filepath.Join(root, "locations.yaml")
	writeFile(t, values, v.String())
	return root, values
}

func locName(i int) string { return fmt.Sprintf("loc-%03d", i) }

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPlatformChart is the platform release under both Helms: the chart shaped like
// Dagster's, hardened per the strict contract, with 3 and 200 code locations, floe as
// post-renderer with paths relative to the directory helm runs in. It exits 0; each
// location is its own product's (labels, service account, service name, container
// context), the webserver, daemon and migration are platform components with their
// own service names, every object of plain `helm template` comes out, and the run's
// warning (the demo Manifest's X-03) is kept in floe's log under $TMPDIR.
func TestPlatformChart(t *testing.T) {
	chart := repoPath(t, platformChart)
	hardened := filepath.Join(chart, "ci", "hardened-values.yaml")
	for _, n := range []int{3, 200} {
		root, values := platformRoot(t, n)
		for _, helm := range []string{"helm3", "helm4"} {
			t.Run(fmt.Sprintf("%s/%d", helm, n), func(t *testing.T) {
				e := newEnv(t, helm)
				e.root = root
				tmp := t.TempDir()
				var vars []string
				for _, v := range e.vars { // the log's default place: floe's directory under $TMPDIR
					if !strings.HasPrefix(v, "FLOE_POST_RENDER_LOG=") && !strings.HasPrefix(v, "TMPDIR=") {
						vars = append(vars, v)
					}
				}
				e.vars = append(vars, "TMPDIR="+tmp)
				base := []string{"template", "data", chart, "-n", "dagster", "-f", hardened, "-f", values}
				plain := e.run(base...)
				if plain.err != nil {
					t.Fatalf("helm template: %v\n%s", plain.err, plain.stderr)
				}
				floeArgs := []string{"--contract=platform/pec-platform.yaml"}
				if n == 3 { // one flag per location
					for i := range n {
						floeArgs = append(floeArgs, "--product="+locName(i)+"=products/"+locName(i))
					}
				} else {
					floeArgs = append(floeArgs, "--products=products")
				}
				got := e.run(append(append([]string(nil), base...), e.postRenderFlags(floeArgs...)...)...)
				if got.err != nil {
					t.Fatalf("helm template with floe: %v\n%s", got.err, got.stderr)
				}
				checkPlatform(t, n, parseOutput(t, plain.stdout), parseOutput(t, got.stdout))
				logPath := filepath.Join(tmp, "floe-"+strconv.Itoa(os.Getuid()), "post-render.log")
				log, err := os.ReadFile(logPath)
				if err != nil || !strings.Contains(string(log), "warning: plugins: X-03") {
					t.Errorf("the run's warning is not in the kept log %s: %q (%v)", logPath, log, err)
				}
				if helm == "helm3" && len(got.stderr) > 0 {
					t.Logf("helm 3 stderr: %s", got.stderr)
				}
			})
		}
	}
}

// checkPlatform asserts nothing was lost and every workload has its identity.
func checkPlatform(t *testing.T, n int, before, after []object) {
	t.Helper()
	ids := func(objs []object) map[string]bool {
		m := map[string]bool{}
		for _, o := range objs {
			m[o.id] = true
		}
		return m
	}
	b, a := ids(before), ids(after)
	for id := range b {
		if !a[id] {
			t.Errorf("%s lost", id)
		}
	}
	if len(before) != len(after) || len(a) != len(b) {
		t.Errorf("%d objects without floe, %d with", len(before), len(after))
	}
	locations, services, components := 0, 0, map[string]bool{}
	for _, o := range after {
		labels := o.node.GetLabels()
		w, isWorkload := kustomize.FindWorkload(o.node)
		switch {
		case labels["component"] == "user-deployments":
			loc := labels["deployment"]
			if labels["floe.dev/product"] != loc || labels["app.kubernetes.io/instance"] != "data" {
				t.Errorf("%s: labels %v", o.id, labels)
			}
			if !isWorkload {
				services++
				continue
			}
			locations++
			checkLocationPod(t, o, w, loc)
		case isWorkload:
			c := labels["component"]
			components[c] = true
			if w.Template.GetLabels()["floe.dev/platform-component"] != c || labels["floe.dev/product"] != "" {
				t.Errorf("%s: platform component labels %v / %v", o.id, labels, w.Template.GetLabels())
			}
			for _, ctr := range w.Containers() {
				env := envOf(ctr)
				if env["OTEL_SERVICE_NAME"] != c || !strings.Contains(env["OTEL_RESOURCE_ATTRIBUTES"], "floe.platform.component="+c) {
					t.Errorf("%s: platform component telemetry %q %q", o.id, env["OTEL_SERVICE_NAME"], env["OTEL_RESOURCE_ATTRIBUTES"])
				}
			}
		}
	}
	if locations != n || services != n {
		t.Errorf("%d code location Deployments and %d Services attributed, want %d each", locations, services, n)
	}
	for _, c := range []string{"dagster-webserver", "dagster-daemon", "migrate"} {
		if !components[c] {
			t.Errorf("platform component %s not found", c)
		}
	}
}

// checkLocationPod asserts one code location's pods run as its product.
func checkLocationPod(t *testing.T, o object, w kustomize.Workload, loc string) {
	t.Helper()
	if l := w.Template.GetLabels(); l["floe.dev/product"] != loc || l["app.kubernetes.io/part-of"] != loc {
		t.Errorf("%s: pod labels %v", o.id, l)
	}
	if sa, _ := w.Spec.GetString("serviceAccountName"); sa != "floe-data-product-runner" {
		t.Errorf("%s: service account %q", o.id, sa)
	}
	if tok, _ := w.Spec.Pipe(yaml.Lookup("automountServiceAccountToken")); tok == nil || tok.YNode().Value != "false" {
		t.Errorf("%s: automountServiceAccountToken is not false", o.id)
	}
	for _, c := range w.Containers() {
		env := envOf(c)
		if bad := wired(env, loc); len(bad) > 0 || env["OTEL_SERVICE_NAME"] != loc {
			t.Errorf("%s: %v (OTEL_SERVICE_NAME %q)", o.id, bad, env["OTEL_SERVICE_NAME"])
		}
		ctx, has := env[kustomize.DagsterGRPCContext]
		if !has {
			ctx, has = env[kustomize.DagsterContext]
		}
		switch {
		case loc == locName(1) && has:
			t.Errorf("%s: a container context though includeConfigInLaunchedRuns is off", o.id)
		case loc != locName(1) && !has:
			t.Errorf("%s: no container context", o.id)
		case has:
			if bad := wired(contextEnv(t, ctx), loc); len(bad) > 0 {
				t.Errorf("%s: container context: %v", o.id, bad)
			}
		}
	}
}

// TestPlatformChartUnmapped: under both Helms, a code location no product is mapped
// to fails the release (exit 2 from floe), nothing reaches stdout, and the located
// message is on Helm 3's stderr and in the log.
func TestPlatformChartUnmapped(t *testing.T) {
	chart := repoPath(t, platformChart)
	root, values := platformRoot(t, 3)
	for _, helm := range []string{"helm3", "helm4"} {
		t.Run(helm, func(t *testing.T) {
			e := newEnv(t, helm)
			e.root = root
			args := append([]string{"template", "data", chart, "-n", "dagster", "-f", filepath.Join(chart, "ci", "hardened-values.yaml"), "-f", values},
				e.postRenderFlags("--contract=platform/pec-platform.yaml", "--product=loc-000=products/loc-000")...)
			r := e.run(args...)
			if r.err == nil || bytes.Contains(r.stdout, []byte("kind:")) {
				t.Fatalf("helm: %v, stdout:\n%s", r.err, r.stdout)
			}
			log, _ := os.ReadFile(e.logPath)
			where := string(log)
			if helm == "helm3" {
				where += string(r.stderr)
			}
			for _, want := range []string{`Dagster code location "loc-001" is not attributed to a product`, "Deployment/data-dagster-user-deployments-loc-002"} {
				if !strings.Contains(where, want) {
					t.Errorf("diagnostics lack %q:\n%s", want, where)
				}
			}
		})
	}
}
