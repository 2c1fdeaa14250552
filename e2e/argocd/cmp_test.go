package argocde2e

import (
	"context"
	"fmt"

	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/argoproj/argo-cd/v3/cmpserver/apiclient"
	"github.com/argoproj/argo-cd/v3/cmpserver/plugin"
	"github.com/argoproj/argo-cd/v3/common"
	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/util/app/discovery"
	"github.com/argoproj/argo-cd/v3/util/cmp"
	grpc_retry "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"google.golang.org/grpc"
	"sigs.k8s.io/yaml"
)

const (
	mainModule = "../.."        // the floe module, relative to this one
	pluginDir  = "../../argocd" // argocd/plugin.yaml: the file the sidecar ships
	pluginName = "floe-v1"      // <metadata.name>-<spec.version>
	revision   = "0123456789abcdef0123456789abcdef01234567"
	repoURL    = "https://git.example.com/data.git"
)

// tarExcludes is the repo-server setting the install overlay recommends
// (reposerver.plugin.tar.exclusions).
var tarExcludes = []string{".git/*"}

var (
	sockDir string // ARGOCD_PLUGINSOCKFILEPATH of the test CMP server
	floeBin string // the floe binary built for the tests
	tmpDir  string // short-named scratch directory (unix socket paths are limited)
)

func TestMain(m *testing.M) {
	if os.Getenv(envRunArgoCMPServer) != "" {
		os.Exit(runArgoCMPServer()) // this binary re-run as argocd-cmp-server (cmpserver_test.go)
	}
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "floe-cmp-") // short: unix socket paths are limited
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	tmpDir = tmp

	// The floe binary the plugin's commands find on PATH.
	bin := filepath.Join(tmp, "bin")
	floeBin = filepath.Join(bin, "floe")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "floe"), "./cmd/floe")
	build.Dir = mainModule
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building floe:", err)
		return 1
	}
	// The CMP server runs plugin commands with its own environment plus what the
	// repo-server sends: PATH and the directories come from here.
	for k, v := range map[string]string{
		"PATH":                       bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		common.EnvPluginSockFilePath: filepath.Join(tmp, "plugins"),
		common.EnvCMPWorkDir:         filepath.Join(tmp, "work"),
		"ARGOCD_APP_PARAMETERS":      "", // nothing leaks from the test's own environment
		"ARGOCD_ENV_FLOE_CONTRACT":   "",
		"SOURCE_DATE_EPOCH":          "1767225600", // one render time for both servers' renders
	} {
		os.Setenv(k, v)
	}
	sockDir = filepath.Join(tmp, "plugins")
	if err := os.MkdirAll(sockDir, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	stop, err := serveCMP()
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the CMP server:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

// serveCMP starts Argo CD's CMP service with floe's plugin.yaml on the socket the real
// argocd-cmp-server would use (PluginConfig.Address()).
func serveCMP() (stop func(), err error) {
	cfg, err := plugin.ReadPluginConfig(pluginDir)
	if err != nil {
		return nil, err
	}
	return serveCMPConfig(cfg)
}

func serveCMPConfig(cfg *plugin.PluginConfig) (stop func(), err error) {
	svc := plugin.NewService(plugin.CMPServerInitConstants{PluginConfig: *cfg})
	if err := svc.Init(common.GetCMPWorkDir()); err != nil {
		return nil, err
	}
	srv := grpc.NewServer()
	apiclient.RegisterConfigManagementPluginServiceServer(srv, svc)
	lis, err := (&net.ListenConfig{}).Listen(context.Background(), "unix", cfg.Address())
	if err != nil {
		return nil, err
	}
	go func() { _ = srv.Serve(lis) }()
	return srv.Stop, nil
}

// repo lays out a repository: floe's demo (copied from examples/demo), a product with a
// broken floe.yaml, a directory that is not a product, and a .git directory the
// repo-server's exclusions keep from the plugin.
func repo(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	src := filepath.Join(mainModule, "examples", "demo")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return writeFile(filepath.Join(dir, rel), string(b))
	})
	if err != nil {
		t.Fatal(err)
	}
	// A stricter contract in the same repository: a platform policy bundle that denies
	// workloads without a team label.
	pec, err := os.ReadFile(filepath.Join(dir, "platform", "pec-dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"platform/pec-strict.yaml": string(pec) + "policy:\n  enforcement: strict\n  bundles: [platform/policies]\n",
		"platform/policies/team.rego": `package floe.e2e_team

import rego.v1

rules["E2E-TEAM-01"] := {
	"title": "Workloads carry a team label",
	"severity": "deny",
	"remediation": "Add the label example.com/team through a platform overlay.",
}

violation contains {"rule": "E2E-TEAM-01", "i": i, "msg": sprintf("%s has no example.com/team label", [o.object.kind])} if {
	some i, o in input.objects
	o.object.kind in {"CronJob", "Job", "Deployment"}
	not o.object.metadata.labels["example.com/team"]
}
`,
		"broken/floe.yaml": "apiVersion: floe.dev/v1\nkind: FloeSpec\nmetadata:\n  name: Not_A_Name\ntransforms: []\n",
		"docs/README.md":   "not a floe product\n",
		".git/HEAD":        "ref: refs/heads/main\n",
	} {
		if err := writeFile(filepath.Join(dir, name), body); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeFile(p, body string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(body), 0o644)
}

// app is an Application's source as far as the repo-server's CMP call is concerned.
type app struct {
	name, path string
	plugin     *v1alpha1.ApplicationSourcePlugin
}

func floeApp(name, path string, params ...v1alpha1.ApplicationSourcePluginParameter) app {
	return app{name: name, path: path, plugin: &v1alpha1.ApplicationSourcePlugin{
		Name:       pluginName,
		Env:        v1alpha1.Env{{Name: "FLOE_CONTRACT", Value: "platform/pec-dev.yaml"}},
		Parameters: params,
	}}
}

func param(name, value string) v1alpha1.ApplicationSourcePluginParameter {
	return v1alpha1.ApplicationSourcePluginParameter{Name: name, String_: &value}
}

// generateEnv is the environment the repo-server sends with GenerateManifest:
// reposerver/repository newEnv + getPluginEnvs at v3.3.19.
func (a app) generateEnv(t *testing.T) []string {
	env := v1alpha1.Env{
		{Name: "ARGOCD_APP_NAME", Value: a.name},
		{Name: "ARGOCD_APP_NAMESPACE", Value: "floe-dev"},
		{Name: "ARGOCD_APP_PROJECT_NAME", Value: "default"},
		{Name: "ARGOCD_APP_REVISION", Value: revision},
		{Name: "ARGOCD_APP_REVISION_SHORT", Value: revision[:7]},
		{Name: "ARGOCD_APP_REVISION_SHORT_8", Value: revision[:8]},
		{Name: "ARGOCD_APP_SOURCE_REPO_URL", Value: repoURL},
		{Name: "ARGOCD_APP_SOURCE_PATH", Value: a.path},
		{Name: "ARGOCD_APP_SOURCE_TARGET_REVISION", Value: "main"},
	}.Environ()
	env = append(env, "KUBE_VERSION=1.34.0", "KUBE_API_VERSIONS=v1,apps/v1,batch/v1")
	return a.pluginEnv(t, env)
}

// detailsEnv is what the repo-server sends for the parameter announcement
// (populatePluginAppDetails).
func (a app) detailsEnv(t *testing.T) []string {
	return a.pluginEnv(t, []string{
		"ARGOCD_APP_NAME=" + a.name,
		"ARGOCD_APP_SOURCE_REPO_URL=" + repoURL,
		"ARGOCD_APP_SOURCE_PATH=" + a.path,
		"ARGOCD_APP_SOURCE_TARGET_REVISION=main",
	})
}

// pluginEnv adds the Application's plugin env (ARGOCD_ENV_*) and parameters
// (ARGOCD_APP_PARAMETERS, PARAM_*): reposerver/repository getPluginParamEnvs.
func (a app) pluginEnv(t *testing.T, env []string) []string {
	t.Helper()
	parsed := make(v1alpha1.Env, len(env))
	for i, v := range env {
		e, err := v1alpha1.NewEnvEntry(v)
		if err != nil {
			t.Fatal(err)
		}
		parsed[i] = e
	}
	if a.plugin == nil {
		return env
	}
	for _, e := range a.plugin.Env {
		env = append(env, fmt.Sprintf("ARGOCD_ENV_%s=%s", e.Name, parsed.Envsubst(e.Value)))
	}
	params, err := a.plugin.Parameters.Environ()
	if err != nil {
		t.Fatal(err)
	}
	return append(env, params...)
}

// client finds floe's CMP server the way the repo-server does (the socket named after
// the plugin, or discovery across all sockets) and checks it supports the app.
func (a app) client(t *testing.T, ctx context.Context, repoDir string, env []string, byName bool) apiclient.ConfigManagementPluginServiceClient {
	t.Helper()
	name := ""
	if byName {
		name = pluginName
	}
	conn, c, err := discovery.DetectConfigManagementPlugin(ctx, filepath.Join(repoDir, a.path), repoDir, name, env, tarExcludes)
	if err != nil {
		t.Fatalf("detecting the plugin for %s: %v", a.path, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return c
}

func callCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// generate runs GenerateManifest as reposerver/repository generateManifestsCMP does.
func generate(t *testing.T, a app, repoDir, rootDir string) (*apiclient.ManifestResponse, error) {
	t.Helper()
	ctx := callCtx(t)
	env := a.generateEnv(t)
	c := a.client(t, ctx, repoDir, env, true)
	stream, err := c.GenerateManifest(ctx, grpc_retry.Disable())
	if err != nil {
		t.Fatal(err)
	}
	if err := cmp.SendRepoStream(stream.Context(), filepath.Join(repoDir, a.path), rootDir, stream, env, tarExcludes); err != nil {
		t.Fatal(err)
	}
	return stream.CloseAndRecv()
}

func TestDiscovery(t *testing.T) {
	repoDir := repo(t)
	for path, want := range map[string]bool{
		"demo/customer-360":     true,
		"examples/hello-orders": true,
		"docs":                  false,
		"platform":              false,
	} {
		t.Run(path, func(t *testing.T) {
			ctx := callCtx(t)
			a := app{name: "x", path: path} // no plugin section: discovery decides
			env := a.generateEnv(t)
			stream, err := newClient(t).MatchRepository(ctx, grpc_retry.Disable())
			if err != nil {
				t.Fatal(err)
			}
			if err := cmp.SendRepoStream(ctx, filepath.Join(repoDir, path), repoDir, stream, env, tarExcludes); err != nil {
				t.Fatal(err)
			}
			resp, err := stream.CloseAndRecv()
			if err != nil {
				t.Fatal(err)
			}
			if resp.GetIsSupported() != want || !resp.GetIsDiscoveryEnabled() {
				t.Errorf("supported %v, discovery enabled %v; want supported %v", resp.GetIsSupported(), resp.GetIsDiscoveryEnabled(), want)
			}
			// The repo-server's own discovery across the plugin sockets agrees.
			_, _, err = discovery.DetectConfigManagementPlugin(ctx, filepath.Join(repoDir, path), repoDir, "", env, tarExcludes)
			if (err == nil) != want {
				t.Errorf("DetectConfigManagementPlugin: err %v, want found=%v", err, want)
			}
		})
	}
}

// newClient connects to the floe socket directly (Argo CD's client set).
func newClient(t *testing.T) apiclient.ConfigManagementPluginServiceClient {
	t.Helper()
	closer, c, err := apiclient.NewConfigManagementPluginClientSet(filepath.Join(sockDir, pluginName+".sock")).NewConfigManagementPluginClient()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = closer.Close() })
	return c
}

func TestParametersAnnouncement(t *testing.T) {
	repoDir := repo(t)
	tests := map[string]struct {
		app         app
		wantRuntime string
		wantCompute []string
	}{
		"contract from plugin env": {
			app: floeApp("c360", "demo/customer-360"), wantRuntime: "dagster", wantCompute: []string{"duckdb"},
		},
		"runtime parameter set": {
			app: floeApp("orders", "examples/hello-orders", param("runtime", "floe-jobs")), wantRuntime: "floe-jobs", wantCompute: []string{"duckdb"},
		},
		"no contract yet": {
			app: app{name: "c360", path: "demo/customer-360", plugin: &v1alpha1.ApplicationSourcePlugin{Name: pluginName}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := callCtx(t)
			env := tc.app.detailsEnv(t)
			c := tc.app.client(t, ctx, repoDir, env, true)
			stream, err := c.GetParametersAnnouncement(ctx, grpc_retry.Disable())
			if err != nil {
				t.Fatal(err)
			}
			if err := cmp.SendRepoStream(stream.Context(), filepath.Join(repoDir, tc.app.path), repoDir, stream, env, tarExcludes); err != nil {
				t.Fatal(err)
			}
			resp, err := stream.CloseAndRecv()
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			byName := map[string]int{}
			for i, a := range resp.GetParameterAnnouncements() {
				names = append(names, a.GetName())
				if _, seen := byName[a.GetName()]; !seen {
					byName[a.GetName()] = i // the UI shows the first of each name: the dynamic one
				}
			}
			dynamic := []string{"contract", "runtime", "enforcement", "runtimes"}
			if tc.wantCompute != nil {
				dynamic = append(dynamic, "approved-compute")
			}
			want := append(dynamic, "contract", "runtime", "enforcement") // then plugin.yaml's static list
			if !slices.Equal(names, want) {
				t.Fatalf("announced %v, want %v", names, want)
			}
			as := resp.GetParameterAnnouncements()
			if got := as[byName["runtime"]].GetString_(); got != tc.wantRuntime {
				t.Errorf("runtime default %q, want %q", got, tc.wantRuntime)
			}
			if got := as[byName["runtimes"]]; got.GetCollectionType() != "array" || !slices.Equal(got.GetArray(), []string{"dagster", "floe-jobs"}) {
				t.Errorf("runtimes: %v", got)
			}
			if tc.wantCompute != nil {
				if got := as[byName["approved-compute"]].GetArray(); !slices.Equal(got, tc.wantCompute) {
					t.Errorf("approved-compute %v, want %v", got, tc.wantCompute)
				}
			}
			for _, a := range as {
				if a.GetTitle() == "" || a.GetTooltip() == "" {
					t.Errorf("%s: no title or tooltip", a.GetName())
				}
			}
		})
	}
}

// manifest is the part of a generated object the assertions read.
type manifest struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
}

func TestGenerate(t *testing.T) {
	repoDir := repo(t)
	tests := map[string]struct {
		app       app
		wantKinds []string // each must be present
	}{
		"customer-360 on the contract's runtime": {
			app:       floeApp("c360", "demo/customer-360"),
			wantKinds: []string{"Deployment"},
		},
		"hello-orders on floe-jobs": {
			app:       floeApp("orders", "examples/hello-orders", param("runtime", "floe-jobs"), param("enforcement", "strict")),
			wantKinds: []string{"CronJob"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, err := generate(t, tc.app, repoDir, repoDir)
			if err != nil {
				t.Fatalf("GenerateManifest: %v", err)
			}
			if len(resp.GetManifests()) == 0 {
				t.Fatal("no manifests")
			}
			kinds := map[string]bool{}
			for _, m := range resp.GetManifests() {
				var o manifest
				if err := yaml.Unmarshal([]byte(m), &o); err != nil {
					t.Fatalf("manifest does not parse: %v\n%s", err, m)
				}
				kinds[o.Kind] = true
				if o.Metadata.Namespace != "floe-dev" {
					t.Errorf("%s/%s in namespace %q", o.Kind, o.Metadata.Name, o.Metadata.Namespace)
				}
				for k, v := range map[string]string{
					"floe.dev/argocd-app":      tc.app.name,
					"floe.dev/source-repo":     repoURL,
					"floe.dev/source-revision": revision,
					"floe.dev/source-path":     tc.app.path,
				} {
					if got := o.Metadata.Annotations[k]; got != v {
						t.Errorf("%s/%s: annotation %s = %q, want %q", o.Kind, o.Metadata.Name, k, got, v)
					}
				}
			}
			for _, k := range tc.wantKinds {
				if !kinds[k] {
					t.Errorf("no %s among %v", k, kinds)
				}
			}
			if all := strings.Join(resp.GetManifests(), "\n"); !strings.Contains(all, ":"+revision[:12]) {
				t.Errorf("image not tagged with the revision")
			}
		})
	}
}

// TestGenerateFailures: every failure reaches Argo CD as an error carrying floe's
// stderr, never as a (possibly empty) manifest list.
func TestGenerateFailures(t *testing.T) {
	repoDir := repo(t)
	tests := map[string]struct {
		app  app
		root string // tarball root relative to the repository ("" = the repository)
		want string
	}{
		"broken floe.yaml": {
			app: floeApp("broken", "broken"), want: "broken/floe.yaml",
		},
		"unknown parameter": {
			app: floeApp("c360", "demo/customer-360", param("values", "x")), want: `unknown parameter "values"`,
		},
		"contract path escaping the repository": {
			app: floeApp("c360", "demo/customer-360", param("contract", "../../../etc/pec.yaml")), want: "leaves the repository",
		},
		"invalid runtime": {
			app: floeApp("c360", "demo/customer-360", param("runtime", "airflow")), want: "want one of dagster, floe-jobs",
		},
		"denied by the contract's policy bundle": {
			app:  floeApp("c360", "demo/customer-360", param("contract", "platform/pec-strict.yaml")),
			want: "E2E-TEAM-01",
		},
		"enforcement parameter cannot lower the contract's level": {
			app:  floeApp("c360", "demo/customer-360", param("contract", "platform/pec-strict.yaml"), param("enforcement", "off")),
			want: "E2E-TEAM-01",
		},
		"only the app directory sent (manifest-generate-paths)": {
			app: floeApp("c360", "demo/customer-360"), root: "demo/customer-360", want: "manifest-generate-paths",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rootDir := filepath.Join(repoDir, filepath.FromSlash(tc.root))
			resp, err := generate(t, tc.app, repoDir, rootDir)
			if err == nil {
				t.Fatalf("GenerateManifest succeeded with %d manifests; want an error", len(resp.GetManifests()))
			}
			if resp != nil && len(resp.GetManifests()) > 0 {
				t.Errorf("manifests returned with the error")
			}
			msg := err.Error()
			if !strings.Contains(msg, "`floe argocd generate` failed") || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q\nwant floe's failure with %q", msg, tc.want)
			}
		})
	}
}
