package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/golden"
	"github.com/floe-dev/floe/kustomize"
)

func workspaceOptions(t *testing.T, dir string) WorkspaceOptions {
	t.Helper()
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return WorkspaceOptions{
		Options: Options{Root: root, ContractPath: "platform/contract.yaml", ImageTag: testTag, FloeVersion: "test"},
		Dir:     "products",
	}
}

// TestWorkspaceGolden: golden/batch/root's three products (the hidden draft skipped)
// gathered into both forms, byte-identical at any parallelism; each location is the
// Service the product's own render gives (D-WS-02), sorted by name (D-WS-03).
func TestWorkspaceGolden(t *testing.T) {
	eng := testBatchEngine(t)
	dir := batchRoot(t)
	opts := workspaceOptions(t, dir)
	ws, err := eng.Workspace(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range ws.Locations {
		names = append(names, l.Name+"@"+l.Product)
		// The product's own render: its code-server Service is the location.
		o := opts.Options
		o.ProductPath = l.Product
		res, err := eng.Render(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		var svc *yaml.RNode
		for _, obj := range res.Objects {
			if obj.GetKind() == "Service" {
				svc = obj
			}
		}
		if svc == nil || svc.GetName() != l.Service || svc.GetNamespace() != l.Namespace || l.Port != 3030 {
			t.Errorf("%s: location %+v does not match the rendered Service %v", l.Product, l, svc)
		}
		if want := svc.GetName() + "." + svc.GetNamespace() + ".svc.cluster.local"; l.Host() != want {
			t.Errorf("%s: host %s, want %s", l.Product, l.Host(), want)
		}
	}
	if got := strings.Join(names, ","); got != "customer-360@products/customer-360,hello-orders@products/hello-orders,orders-daily@products/sales/orders-daily" {
		t.Errorf("locations %s", got)
	}
	if ws.Namespace != "floe-dev" || ws.ReleaseName != "floe" {
		t.Errorf("contract settings %q %q", ws.Namespace, ws.ReleaseName)
	}
	for _, tc := range []struct {
		file, format, name, namespace string
	}{
		{"configmap.yaml", WorkspaceConfigMap, "", "dagster-platform"},
		{"configmap-defaults.yaml", WorkspaceConfigMap, "", ""},
		{"helm-values.yaml", WorkspaceHelmValues, "", ""},
	} {
		got, err := workspaceAs(ws, tc.format, tc.name, tc.namespace)
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, filepath.Join(golden.Dir(t), "workspace", tc.file), got)
		for _, jobs := range []int{1, 3} {
			o := opts
			o.Jobs = jobs
			again, err := eng.Workspace(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := workspaceAs(again, tc.format, tc.name, tc.namespace)
			if string(b) != string(got) {
				t.Errorf("%s with %d job(s) differs:\n%s", tc.file, jobs, golden.Diff(string(got), string(b)))
			}
		}
	}
}

// TestWorkspaceFailures: every failure is exit 2, names the product's file, and returns
// no workspace (D-WS-01).
func TestWorkspaceFailures(t *testing.T) {
	eng := testBatchEngine(t)
	for _, tc := range []struct {
		name     string
		overlays []string // of golden/batch, over its root
		setup    func(t *testing.T, dir string)
		want     []string
	}{{
		name:     "broken products",
		overlays: []string{"broken"},
		setup:    func(*testing.T, string) {},
		want:     []string{"products/aa-bad/floe.yaml:", "products/zz-bad/floe.yaml:", "workspace --all: 2 of 5 product(s) failed"},
	}, {
		name: "two products, one location",
		setup: func(t *testing.T, dir string) {
			b, err := os.ReadFile(filepath.Join(dir, "products", "hello-orders", "floe.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "products", "zz-copy", "floe.yaml"), string(b))
		},
		want: []string{"products/hello-orders/floe.yaml and products/zz-copy/floe.yaml are both the code location \"hello-orders\""},
	}, {
		name: "no Dagster product",
		setup: func(t *testing.T, dir string) {
			p := filepath.Join(dir, "platform", "contract.yaml")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "recommendedAlphaSpine: dagster") {
				t.Fatal("contract fixture changed")
			}
			write(t, p, strings.Replace(string(b), "recommendedAlphaSpine: dagster", "recommendedAlphaSpine: floe-jobs", 1))
		},
		want: []string{"none of the 3 product(s) runs on Dagster"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := batchRoot(t, tc.overlays...)
			tc.setup(t, dir)
			ws, err := eng.Workspace(context.Background(), workspaceOptions(t, dir))
			if err == nil || ws != nil {
				t.Fatalf("workspace succeeded: %+v", ws)
			}
			var ec diag.ExitCode
			if !errors.As(err, &ec) || ec.ExitCode() != 2 {
				t.Errorf("exit code %v, want 2", ec)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not name %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestCodeServer: the location is the one Service with a port named grpc (D-WS-02).
func TestCodeServer(t *testing.T) {
	svc := func(name, ns, portName, port string) string {
		s := "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n"
		if ns != "" {
			s += "  namespace: " + ns + "\n"
		}
		return s + "spec:\n  ports:\n  - name: " + portName + "\n    port: " + port + "\n---\n"
	}
	deploy := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n  namespace: sales\n---\n"
	for _, tc := range []struct {
		name, stream string
		want         Location
		err          string
	}{
		{"one", deploy + svc("orders", "sales", "grpc", "3030") + svc("metrics", "sales", "http", "80"),
			Location{Service: "orders", Namespace: "sales", Port: 3030}, ""},
		{"none", deploy + svc("metrics", "sales", "http", "80"), Location{}, "no code-server Service"},
		{"two", svc("a", "sales", "grpc", "3030") + svc("b", "sales", "grpc", "3031"), Location{}, "2 Services with a port named grpc (Service/a, Service/b)"},
		{"named port", svc("a", "sales", "grpc", "grpc"), Location{}, "Service/a: port grpc is not a port number"},
		{"out of range", svc("a", "sales", "grpc", "70000"), Location{}, "not a port number"},
		{"no namespace", svc("a", "", "grpc", "3030"), Location{}, "Service/a has no namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := kustomize.ParseStream([]byte(tc.stream))
			if err != nil {
				t.Fatal(err)
			}
			got, err := codeServer(objs)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// workspaceAs is ws in the form called format (the command's formats are
// internal/output's Workspace).
func workspaceAs(ws *Workspace, format, name, namespace string) ([]byte, error) {
	if format == WorkspaceHelmValues {
		return ws.HelmValues()
	}
	return ws.ConfigMap(name, namespace)
}

// TestWorkspaceFormats: the forms' flags (D-WS-04) are checked before anything renders.
func TestWorkspaceFormats(t *testing.T) {
	ws := &Workspace{Namespace: "floe-dev", Locations: []Location{{Name: "orders", Service: "orders", Namespace: "sales", Port: 3030}}}
	for _, tc := range []struct {
		format, name, namespace, err string
	}{
		{WorkspaceConfigMap, "", "", ""},
		{WorkspaceConfigMap, "my-workspace", "dagster", ""},
		{WorkspaceHelmValues, "", "", ""},
		{WorkspaceHelmValues, "x", "", "--name and --namespace name the ConfigMap"},
		{WorkspaceHelmValues, "", "dagster", "--name and --namespace name the ConfigMap"},
		{WorkspaceConfigMap, "Bad_Name", "", `ConfigMap name "Bad_Name"`},
		{WorkspaceConfigMap, "", "a.b", `namespace "a.b"`},
	} {
		var out []byte
		err := CheckWorkspaceNames(tc.format, tc.name, tc.namespace)
		if err == nil {
			out, err = workspaceAs(ws, tc.format, tc.name, tc.namespace)
		}
		if tc.err == "" {
			if err != nil || !strings.Contains(string(out), "orders.sales.svc.cluster.local") {
				t.Errorf("%v: %v\n%s", tc, err, out)
			}
			continue
		}
		var ec diag.ExitCode
		if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.As(err, &ec) || ec.ExitCode() != 2 || out != nil {
			t.Errorf("%v: error %v, want usage error %q", tc, err, tc.err)
		}
	}
	if out, _ := ws.ConfigMap("", ""); !strings.Contains(string(out), "name: dagster-workspace\n  namespace: floe-dev\n") {
		t.Errorf("defaults without a release name:\n%s", out)
	}
}

// FuzzCodeServer: any stream the parser accepts gives a location with a Service, a
// namespace and a port in range, or an error; never a panic.
func FuzzCodeServer(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: b}\nspec: {ports: [{name: grpc, port: 3030}]}\n"))
	f.Add([]byte("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{name: grpc, port: x}, {name: grpc}]}\n"))
	f.Add([]byte("apiVersion: v1\nkind: Service\nspec: {ports: grpc}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		objs, err := kustomize.ParseStream(b)
		if err != nil {
			return
		}
		l, err := codeServer(objs)
		if err == nil && (l.Service == "" || l.Namespace == "" || l.Port < 1 || l.Port > 65535) {
			t.Fatalf("location %+v from %q", l, b)
		}
	})
}
