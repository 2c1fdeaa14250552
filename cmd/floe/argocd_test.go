package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floe-dev/floe/argocd"
	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/golden"
	"github.com/floe-dev/floe/render"
)

// testGate stands in for the policy engine (tested in its own package): it records
// what it was asked and allows or denies everything.
type testGate struct {
	deny bool
	seen *render.GateInput
}

func (g testGate) Check(_ context.Context, in render.GateInput) (*render.PolicyReport, error) {
	*g.seen = in
	if g.deny {
		return &render.PolicyReport{Denied: true, Summary: render.Summary{Deny: 1}, Findings: []render.Finding{{
			Rule: "TEST-DENY", Severity: "deny", Resource: "Deployment/x", Message: "denied by the test gate",
		}}}, nil
	}
	return &render.PolicyReport{}, nil
}

// withGate renders through an engine whose policy gate is g; nil keeps floe's real
// gate (render.Render).
func withGate(t *testing.T, g render.Gate) {
	t.Helper()
	old := argoCDRender
	t.Cleanup(func() { argoCDRender = old })
	if g == nil {
		argoCDRender = render.Render
		return
	}
	e, err := render.NewEngine(render.WithGate(g))
	if err != nil {
		t.Fatal(err)
	}
	argoCDRender = e.Render
}

// argoApp sets the environment the repo-server sends and enters the app directory.
func argoApp(t *testing.T, root, srcPath string, env map[string]string) {
	t.Helper()
	base := map[string]string{
		"ARGOCD_APP_NAME":             "c360-dev",
		"ARGOCD_APP_NAMESPACE":        "floe-dev",
		"ARGOCD_APP_REVISION":         renderTag,
		"ARGOCD_APP_SOURCE_PATH":      srcPath,
		"ARGOCD_APP_SOURCE_REPO_URL":  "https://bot:hunter2@git.example.com/data.git",
		"ARGOCD_ENV_FLOE_CONTRACT":    "platform/pec-dev.yaml",
		"ARGOCD_APP_PARAMETERS":       "",
		"ARGOCD_ENV_FLOE_RUNTIME":     "",
		"ARGOCD_ENV_FLOE_ENFORCEMENT": "",
		"PARAM_CONTRACT":              "",
		"PARAM_RUNTIME":               "",
		"PARAM_ENFORCEMENT":           "",
	}
	for k, v := range env {
		base[k] = v
	}
	for k, v := range base {
		t.Setenv(k, v)
	}
	t.Chdir(filepath.Join(root, filepath.FromSlash(srcPath)))
}

func TestArgoCDGenerate(t *testing.T) {
	root := demoRoot(t)
	var seen render.GateInput
	withGate(t, testGate{seen: &seen})
	argoApp(t, root, "demo/customer-360", map[string]string{
		"ARGOCD_APP_PARAMETERS": `[{"name":"enforcement","string":"strict"}]`,
		"PARAM_ENFORCEMENT":     "strict",
	})
	code, out, stderr := runFloe("argocd", "generate")
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	if seen.Enforcement != "strict" || seen.Runtime != "dagster" || len(seen.Objects) == 0 {
		t.Errorf("gate saw enforcement %q, runtime %q, %d objects", seen.Enforcement, seen.Runtime, len(seen.Objects))
	}
	// The command passes exactly FromEnv's options to the renderer.
	cwd, _ := os.Getwd()
	o, err := argocd.FromEnv(os.Getenv, cwd)
	if err != nil {
		t.Fatal(err)
	}
	want := renderDirect(t, o)
	if out != want {
		t.Errorf("generate output differs from a direct render with the same options:\n%s", golden.Diff(want, out))
	}
	docs := strings.Split(out, "\n---\n")
	for _, want := range []string{
		"floe.dev/argocd-app: c360-dev",
		"floe.dev/source-repo: https://git.example.com/data.git",
		"floe.dev/source-revision: " + renderTag,
		"floe.dev/source-path: demo/customer-360",
	} {
		if n := strings.Count(out, want); n < len(docs) {
			t.Errorf("%q on %d of %d objects", want, n, len(docs))
		}
	}
	if strings.Contains(out+stderr, "hunter2") {
		t.Error("repository credentials leaked")
	}

	t.Run("floe's own policy gate, strict", func(t *testing.T) {
		withGate(t, nil)
		argoApp(t, root, "demo/customer-360", map[string]string{"ARGOCD_ENV_FLOE_ENFORCEMENT": "strict"})
		code, out, stderr := runFloe("argocd", "generate")
		if code != 0 || out != want {
			t.Fatalf("exit %d, same output as the stand-in gate: %v\nstderr: %s", code, out == want, stderr)
		}
	})

	t.Run("floe-jobs runtime from a parameter", func(t *testing.T) {
		argoApp(t, root, "examples/hello-orders", map[string]string{
			"ARGOCD_APP_PARAMETERS": `[{"name":"runtime","string":"floe-jobs"}]`,
			"PARAM_RUNTIME":         "floe-jobs",
		})
		code, out, stderr := runFloe("argocd", "generate")
		if code != 0 || !strings.Contains(out, "kind: CronJob\n") {
			t.Fatalf("exit %d\nstdout: %.300s\nstderr: %s", code, out, stderr)
		}
	})
}

// renderDirect renders o the way generate should, for comparison.
func renderDirect(t *testing.T, o argocd.Options) string {
	t.Helper()
	var seen render.GateInput
	e, err := render.NewEngine(render.WithGate(testGate{seen: &seen}))
	if err != nil {
		t.Fatal(err)
	}
	root, err := configRoot(o.Root)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Render(context.Background(), render.Options{
		Root: root, ContractPath: o.ContractPath, ProductPath: o.ProductPath, Runtime: o.Runtime,
		ImageTag: o.ImageTag, Enforcement: o.Enforcement, Annotations: o.Annotations,
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(res.YAML)
}

func TestArgoCDGenerateFails(t *testing.T) {
	root := demoRoot(t)
	broken := filepath.Join(root, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "floe.yaml"), []byte("apiVersion: floe.dev/v1\nkind: FloeSpec\nmetadata: {name: Bad_Name}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		src    string
		env    map[string]string
		gate   render.Gate
		cancel bool
		code   int
		stderr string
	}{
		"unknown parameter": {
			env:  map[string]string{"ARGOCD_APP_PARAMETERS": `[{"name":"values","string":"x"}]`},
			code: 2, stderr: `unknown parameter "values"`,
		},
		"contract escaping the repository": {
			env:  map[string]string{"ARGOCD_APP_PARAMETERS": `[{"name":"contract","string":"../../etc/pec.yaml"}]`},
			code: 2, stderr: "leaves the repository",
		},
		"contract missing": {
			env:  map[string]string{"ARGOCD_ENV_FLOE_CONTRACT": "platform/nope.yaml"},
			code: 2, stderr: "platform/nope.yaml",
		},
		"no revision": {
			env:  map[string]string{"ARGOCD_APP_REVISION": ""},
			code: 2, stderr: "ARGOCD_APP_REVISION is not set",
		},
		"broken floe.yaml": {
			src:  "broken",
			code: 2, stderr: "broken/floe.yaml",
		},
		"policy denial": {
			gate: testGate{deny: true, seen: new(render.GateInput)},
			code: 1, stderr: "TEST-DENY",
		},
		"terminated": {
			cancel: true,
			code:   130, stderr: "interrupted",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			src := tc.src
			if src == "" {
				src = "demo/customer-360"
			}
			argoApp(t, root, src, tc.env)
			if tc.gate == nil {
				tc.gate = testGate{seen: new(render.GateInput)}
			}
			withGate(t, tc.gate)
			ctx, cancel := context.WithCancel(context.Background())
			if tc.cancel {
				cancel()
			}
			defer cancel()
			var out, errb strings.Builder
			code := run(ctx, []string{"argocd", "generate"}, strings.NewReader(""), &out, &errb)
			if code != tc.code || out.Len() != 0 || !strings.Contains(errb.String(), tc.stderr) {
				t.Fatalf("exit %d (want %d), stdout %d bytes (want none)\nstderr: %s\n(want %q)", code, tc.code, out.Len(), errb.String(), tc.stderr)
			}
			if strings.Contains(errb.String(), "hunter2") {
				t.Error("repository credentials leaked")
			}
		})
	}
}

func TestArgoCDParameters(t *testing.T) {
	root := demoRoot(t)
	goldenDir := filepath.Join(golden.Dir(t), "argocd") // before the test leaves the repository
	tests := map[string]struct {
		env    map[string]string
		code   int
		golden string
		stderr string
	}{
		"with contract": {code: 0, golden: "cmd-parameters.json"},
		"without contract": {
			env:  map[string]string{"ARGOCD_ENV_FLOE_CONTRACT": ""},
			code: 0, golden: "cmd-parameters-no-contract.json",
		},
		"broken contract": {
			env:  map[string]string{"ARGOCD_ENV_FLOE_CONTRACT": "demo/manifest.yaml"},
			code: 2, stderr: "demo/manifest.yaml",
		},
		"unknown parameter": {
			env:  map[string]string{"ARGOCD_APP_PARAMETERS": `[{"name":"x","string":"1"}]`},
			code: 2, stderr: `unknown parameter "x"`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			argoApp(t, root, "demo/customer-360", tc.env)
			code, out, stderr := runFloe("argocd", "parameters")
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d)\nstderr: %s", code, tc.code, stderr)
			}
			if tc.golden == "" {
				if out != "" {
					t.Fatalf("stdout on failure: %q", out)
				}
				return
			}
			var list []map[string]any
			if err := json.Unmarshal([]byte(out), &list); err != nil {
				t.Fatalf("not a JSON list: %v\n%s", err, out)
			}
			golden.Assert(t, filepath.Join(goldenDir, tc.golden), []byte(out))
		})
	}
}

func configRoot(dir string) (config.Root, error) { return config.OSRoot(dir) }
