package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/golden"
)

// weakening is one change an overlay makes to every workload that floe's guarantees
// must take back: ops are JSON 6902 operations relative to the pod spec ({pod}) or
// the object ({obj}).
type weakening struct {
	ops string
	// refused, when set, is part of the located error the render must fail with.
	refused string
	// absent are texts the output must not contain (beyond what checkStream checks).
	absent []string
}

var weakenings = map[string]weakening{
	"hostNetwork": {ops: `- {op: add, path: "{pod}/hostNetwork", value: true}`},
	"hostPID":     {ops: `- {op: add, path: "{pod}/hostPID", value: true}`},
	"hostIPC":     {ops: `- {op: add, path: "{pod}/hostIPC", value: true}`},
	"privileged":  {ops: `- {op: add, path: "{pod}/containers/0/securityContext/privileged", value: true}`},
	"capabilities.add": {ops: `- {op: add, path: "{pod}/containers/0/securityContext/capabilities",
  value: {add: [SYS_ADMIN, NET_ADMIN], drop: [NET_RAW]}}`},
	"allowPrivilegeEscalation": {ops: `- {op: add, path: "{pod}/containers/0/securityContext/allowPrivilegeEscalation", value: true}`},
	"runAsUser 0": {ops: `- {op: add, path: "{pod}/securityContext/runAsUser", value: 0}
- {op: add, path: "{pod}/containers/0/securityContext/runAsUser", value: 0}`},
	"runAsNonRoot false": {ops: `- {op: add, path: "{pod}/securityContext/runAsNonRoot", value: false}
- {op: add, path: "{pod}/containers/0/securityContext/runAsNonRoot", value: false}`},
	"seccomp Unconfined": {ops: `- {op: add, path: "{pod}/securityContext/seccompProfile", value: {type: Unconfined}}
- {op: add, path: "{pod}/containers/0/securityContext/seccompProfile", value: {type: Unconfined}}`},
	"hostPort": {ops: `- {op: add, path: "{pod}/containers/0/ports", value: [{containerPort: 3030, hostPort: 3030, name: grpc}]}`,
		absent: []string{"hostPort"}},
	"procMount": {ops: `- {op: add, path: "{pod}/containers/0/securityContext/procMount", value: Unmasked}`,
		absent: []string{"procMount", "Unmasked"}},
	"image": {ops: `- {op: add, path: "{pod}/containers/0/image", value: "evil.example.com/miner:latest"}`},
	"serviceAccount": {ops: `- {op: add, path: "{pod}/serviceAccountName", value: default}
- {op: add, path: "{pod}/automountServiceAccountToken", value: true}`},
	"namespace": {ops: `- {op: add, path: "{obj}/metadata/namespace", value: kube-system}`},
	"telemetry env": {ops: `- {op: test, path: "{pod}/containers/0/env/{otel}/name", value: OTEL_EXPORTER_OTLP_ENDPOINT}
- {op: remove, path: "{pod}/containers/0/env/{otel}"}
- {op: add, path: "{pod}/containers/0/env/-", value: {name: OTEL_SDK_DISABLED, value: "true"}}`},
	"hostPath volume": {ops: `- {op: add, path: "{pod}/volumes", value: [{name: host, hostPath: {path: /}}]}`,
		refused: `volumes[0].hostPath: a hostPath volume mounts the node's filesystem`},
	"unsafe sysctl": {ops: `- {op: add, path: "{pod}/securityContext/sysctls", value: [{name: kernel.msgmax, value: "65536"}]}`,
		refused: `securityContext.sysctls[0]: sysctl "kernel.msgmax" is not a safe sysctl`},
}

// workloadKinds are the kinds each runtime renders, and otelIndex where its chart puts
// OTEL_EXPORTER_OTLP_ENDPOINT in the first container's env.
var (
	workloadKinds = map[string][]string{RuntimeDagster: {"Deployment"}, RuntimeFloeJobs: {"CronJob", "Job"}}
	otelIndex     = map[string]string{RuntimeDagster: "3", RuntimeFloeJobs: "0"}
)

// podPaths are where each workload kind keeps its pod spec.
var podPaths = map[string]string{
	"Deployment": "/spec/template/spec",
	"Job":        "/spec/template/spec",
	"CronJob":    "/spec/jobTemplate/spec/template/spec",
}

// weakeningRoot copies the overlays test inputs into a temporary root whose contract
// and Manifest are at level and whose only overlay applies w to every workload of the
// runtime.
func weakeningRoot(t *testing.T, level, runtime string, w weakening) config.Root {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("testdata", "overlays")
	copyFile := func(rel string, edit func(string) string) {
		b, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(edit(string(b))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	keep := func(s string) string { return s }
	copyFile("contract.yaml", func(s string) string {
		s = strings.Replace(s, "enforcement: strict", "enforcement: "+level, 1)
		i := strings.Index(s, "overlays:\n")
		return s[:i] + "overlays:\n  - platform/overlays/weaken\n"
	})
	copyFile("manifest.yaml", func(s string) string {
		return strings.Replace(s, "policy_enforcement_level: warn", "policy_enforcement_level: "+level, 1)
	})
	copyFile("product/floe.yaml", keep)
	var k strings.Builder
	k.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n")
	for _, kind := range workloadKinds[runtime] {
		ops := strings.NewReplacer("{pod}", podPaths[kind], "{obj}", "", "{otel}", otelIndex[runtime]).Replace(w.ops)
		k.WriteString("  - target: {kind: " + kind + "}\n    patch: |-\n")
		for _, line := range strings.Split(ops, "\n") {
			k.WriteString("      " + line + "\n")
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "platform", "overlays", "weaken"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "platform", "overlays", "weaken", "kustomization.yaml"), []byte(k.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestGuaranteesHoldAfterOverlays: whatever an overlay weakens — host namespaces,
// privileges, capabilities, users, seccomp, host ports, procMount, image, service
// account, namespace, telemetry env — the render takes it back at every enforcement
// level (the output is the restricted one, identical across levels); what cannot be
// taken back (a hostPath volume, an unsafe sysctl) fails the render with a located
// exit-2 error and no output, again at every level.
func TestGuaranteesHoldAfterOverlays(t *testing.T) {
	for name, w := range weakenings {
		for _, runtime := range []string{RuntimeDagster, RuntimeFloeJobs} {
			t.Run(name+"/"+runtime, func(t *testing.T) {
				var first []byte
				for _, level := range []string{"off", "warn", "strict"} {
					root := weakeningRoot(t, level, runtime, w)
					res, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
						Runtime: runtime, ImageTag: testTag, Enforcement: level})
					if w.refused != "" {
						var code diag.ExitCode
						switch {
						case err == nil:
							t.Fatalf("%s: render succeeded, want it refused", level)
						case !errors.As(err, &code) || code.ExitCode() != 2:
							t.Errorf("%s: error %v is not an exit-2 input error", level, err)
						case res != nil:
							t.Errorf("%s: a refused render returned output", level)
						}
						if !strings.Contains(err.Error(), "(rendered): "+workloadKinds[runtime][0]+"/") || !strings.Contains(err.Error(), w.refused) {
							t.Errorf("%s: error %q does not locate %q", level, err, w.refused)
						}
						continue
					}
					if err != nil {
						t.Fatalf("%s: %v", level, err)
					}
					checkStream(t, res.YAML, expectFor(t, root, runtime))
					for _, text := range w.absent {
						if strings.Contains(string(res.YAML), text) {
							t.Errorf("%s: output still holds %q", level, text)
						}
					}
					if p := res.Evidence.Policy; p == nil || p.Level != level || len(p.Findings) != 0 {
						t.Errorf("%s: want a clean gate at level %s, got %+v", level, level, p)
					}
					out := withoutSourceHash(res.YAML)
					if first == nil {
						first = out
					} else if string(first) != string(out) {
						t.Errorf("%s: output differs from level off's:\n%s", level, golden.Diff(string(first), string(out)))
					}
				}
			})
		}
	}
}

// withoutSourceHash drops the source-hash annotations, which differ with the inputs'
// level settings.
func withoutSourceHash(stream []byte) []byte {
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(stream), "\n") {
		if !strings.Contains(line, "floe.dev/source-hash:") {
			b.WriteString(line)
		}
	}
	return []byte(b.String())
}

// TestGuaranteesHoldInDagsterContext: an overlay that rewrites the code server's
// container context — what Dagster's run pods are launched with — gets its weakenings
// reset, or the render refused for a hostPath volume, at every level.
func TestGuaranteesHoldInDagsterContext(t *testing.T) {
	rewrite := func(ctx string) weakening {
		return weakening{ops: `- {op: test, path: "{pod}/containers/0/env/2/name", value: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT}
- {op: replace, path: "{pod}/containers/0/env/2/value", value: '` + ctx + `'}`}
	}
	for _, level := range []string{"off", "warn", "strict"} {
		t.Run(level, func(t *testing.T) {
			root := weakeningRoot(t, level, RuntimeDagster, rewrite(`{"k8s":{"security_context":{"privileged":true,"run_as_user":0},"run_k8s_config":{"pod_spec_config":{"host_network":true}}}}`))
			res, err := Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
				Runtime: RuntimeDagster, ImageTag: testTag, Enforcement: level})
			if err != nil {
				t.Fatal(err)
			}
			out := string(res.YAML)
			// The context's security_context is the code server's (D-RND-23), its pod_spec_config
			// reset (D-RND-22).
			if !strings.Contains(out, `"security_context":{"allow_privilege_escalation":false,`) || strings.Contains(out, `"privileged":true`) ||
				strings.Contains(out, "host_network") || strings.Contains(out, `"run_as_user":0`) {
				t.Errorf("container context weakenings survived:\n%s", out)
			}

			root = weakeningRoot(t, level, RuntimeDagster, rewrite(`{"k8s":{"namespace":"kube-system","service_account_name":"cluster-admin"}}`))
			res, err = Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
				Runtime: RuntimeDagster, ImageTag: testTag, Enforcement: level})
			if err != nil {
				t.Fatal(err)
			}
			if out := string(res.YAML); !strings.Contains(out, `"namespace":"floe-dev"`) || !strings.Contains(out, `"service_account_name":"floe-data-product-runner"`) ||
				strings.Contains(out, "kube-system") || strings.Contains(out, "cluster-admin") {
				t.Errorf("container context identity not enforced:\n%s", out)
			}

			root = weakeningRoot(t, level, RuntimeDagster, rewrite(`{"k8s":{"volumes":[{"name":"root","host_path":{"path":"/"}}]}}`))
			_, err = Render(context.Background(), Options{Root: root, ContractPath: "contract.yaml", ProductPath: "product",
				Runtime: RuntimeDagster, ImageTag: testTag, Enforcement: level})
			var code diag.ExitCode
			if err == nil || !errors.As(err, &code) || code.ExitCode() != 2 || !strings.Contains(err.Error(), "k8s.volumes[0].host_path: a host_path volume is not allowed") {
				t.Errorf("want a located exit-2 refusal, got %v", err)
			}
		})
	}
}
