package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// doorsBundle is a platform policy bundle: PLAT-01 fires on the product's Dagster
// webserver Deployment, PLAT-02 on its ConfigMaps.
const doorsBundle = `package floe.platform

rules["PLAT-01"] := {"title": "Deployments carry a cost centre", "severity": "deny", "remediation": "Add the label."}

rules["PLAT-02"] := {"title": "ConfigMaps are reviewed", "severity": "deny", "remediation": "Review them."}

violation contains {"rule": "PLAT-01", "i": i, "msg": "no floe.dev/cost-centre label"} if {
	some i, o in input.objects
	o.object.kind == "Deployment"
	not o.object.metadata.labels["floe.dev/cost-centre"]
}

violation contains {"rule": "PLAT-02", "i": i, "msg": "not reviewed"} if {
	some i, o in input.objects
	o.object.kind == "ConfigMap"
}
`

// doorsPolicy adds the bundle and two exceptions to the demo contract: PLAT-02's is
// live; PLAT-01's expired on the injected clock's date, though it would still be live
// on the wall clock of any machine before 2030.
const doorsPolicy = `policy:
  bundles: [platform/policies]
  exceptions:
    - rule: PLAT-01
      resources: ["Deployment/*"]
      reason: cost centres arrive with the next platform release
      approvedBy: platform-team@example.com
      expires: "2030-01-01"
    - rule: PLAT-02
      resources: ["ConfigMap/*"]
      reason: reviewed by the platform team
      approvedBy: platform-team@example.com
      expires: "2099-12-31"
`

// doorsClock is 2031-01-01T00:00:00Z: after PLAT-01's exception expired.
const doorsClock = "1924992000"

// doorsFinding is one line of the diagnostics a door prints: [file:line:col: ]
// [warning: ]resource: RULE: message, for the rules of floe (POL-) and of the bundle
// (PLAT-).
var doorsFinding = regexp.MustCompile(`(?m)^(?:\S+: )?(warning: )?(\S+): ((?:POL|PLAT)-[A-Z0-9-]+): `)

// findingSet normalises a door's diagnostics to "RULE resource severity" lines.
func findingSet(stderr string) []string {
	var out []string
	for _, m := range doorsFinding.FindAllStringSubmatch(stderr, -1) {
		sev := "deny"
		if m[1] != "" {
			sev = "warn"
		}
		out = append(out, m[3]+" "+m[2]+" "+sev)
	}
	slices.Sort(out)
	return out
}

// checkFindingSet normalises `floe check --output json` as findingSet does the
// diagnostics: the findings no exception covers, the namespace before the resource.
func checkFindingSet(t *testing.T, stdout string) []string {
	t.Helper()
	var rep struct {
		Findings []struct {
			Rule, Severity, Resource, Namespace string
			Excepted                            bool
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("check --output json: %v\n%s", err, stdout)
	}
	excepted := false
	var out []string
	for _, f := range rep.Findings {
		res := f.Resource
		if f.Namespace != "" {
			res = f.Namespace + "/" + res
		}
		if f.Excepted {
			// The live exception covers PLAT-02, which does fire: no door lists it.
			if f.Rule != "PLAT-02" || !strings.Contains(res, "/ConfigMap/") {
				t.Errorf("check: %s on %s excepted; only PLAT-02 on the ConfigMaps is", f.Rule, res)
			}
			excepted = true
			continue
		}
		out = append(out, f.Rule+" "+res+" "+f.Severity)
	}
	if !excepted {
		t.Error("check: PLAT-02 did not fire on the ConfigMaps, so its live exception was not tested")
	}
	slices.Sort(out)
	return out
}

// TestDoorsAgree: the same objects, contract and clock give the same findings through
// every door (render, diff, argocd generate, post-render of render's output, check of
// it), at warn and at strict: the platform bundle's rule fires, its live exception
// covers PLAT-02 everywhere, and the exception that expired on the injected clock
// (SOURCE_DATE_EPOCH) covers PLAT-01 nowhere.
func TestDoorsAgree(t *testing.T) {
	for _, tc := range []struct {
		level string // the contract's policy.enforcement
		code  int    // every door's exit code
		want  []string
	}{
		{"warn", 0, []string{
			"PLAT-01 floe-dev/Deployment/customer-360 warn",
			"POL-EXC-01 policy.exceptions[0] warn",
		}},
		{"strict", 1, []string{
			"PLAT-01 floe-dev/Deployment/customer-360 deny",
			"POL-EXC-01 policy.exceptions[0] warn",
		}},
	} {
		t.Run(tc.level, func(t *testing.T) {
			got := doorFindings(t, tc.level, tc.code)
			for door, set := range got {
				if diff := cmp.Diff(tc.want, set); diff != "" {
					t.Errorf("%s findings (-want +got):\n%s", door, diff)
				}
			}
		})
	}
}

// doorFindings runs every door over the demo product with the bundle, the exceptions
// and the clock, each expected to exit with code, and returns each door's findings.
func doorFindings(t *testing.T, level string, code int) map[string][]string {
	t.Helper()
	root := demoRoot(t)
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	c, err := os.ReadFile(contract)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, s string) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	atLevel := func(level string) {
		write("platform/pec-dev.yaml", string(c)+strings.Replace(doorsPolicy, "policy:\n", "policy:\n  enforcement: "+level+"\n", 1))
	}
	write("platform/policies/platform.rego", doorsBundle)
	t.Setenv("SOURCE_DATE_EPOCH", doorsClock)
	product := filepath.Join(root, "demo", "customer-360", "floe.yaml")
	got := map[string][]string{}
	door := func(name, stdin string, args ...string) (stdout string) {
		t.Helper()
		n, stdout, stderr := runFloeIn(stdin, args...)
		if n != code {
			t.Fatalf("%s: exit %d, want %d\n%s", name, n, code, stderr)
		}
		got[name] = findingSet(stderr)
		return stdout
	}

	// The objects every door judges: render's, at warn (a strict render prints none).
	atLevel("warn")
	_, rendered, stderr := runFloe("render", "--root", root, "--contract", contract, "--image-tag", renderTag, product)
	if rendered == "" {
		t.Fatalf("render printed nothing\n%s", stderr)
	}
	atLevel(level)
	door("render", "", "render", "--root", root, "--contract", contract, "--image-tag", renderTag, product)
	door("diff", "", "diff", "--root", root, "--contract", contract, "--against-contract", contract, "--image-tag", renderTag, product)
	door("post-render", rendered, "post-render", "--root", root, "--contract", contract, "--product", product)
	out := door("check", rendered, "check", "--root", root, "--contract", contract, "--output", "json")
	got["check"] = checkFindingSet(t, out)
	withGate(t, nil)
	argoApp(t, root, "demo/customer-360", nil)
	door("argocd generate", "", "argocd", "generate")
	return got
}

// TestDoorsJudgeDagsterRuns: check and post-render judge the run pod Dagster launches
// from a code server (D-GATE-08), as render does: a context whose run_k8s_config drops
// the run's mounts fails them at strict, naming the code location.
func TestDoorsJudgeDagsterRuns(t *testing.T) {
	root := demoRoot(t)
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	product := filepath.Join(root, "demo", "customer-360", "floe.yaml")
	code, rendered, stderr := runFloe("render", "--root", root, "--contract", contract, "--image-tag", renderTag, product)
	if code != 0 {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	weak := strings.Replace(rendered, `"run_k8s_config":{`, `"run_k8s_config":{"container_config":{"volume_mounts":[]},`, 1)
	if weak == rendered {
		t.Fatal("the rendered context has no run_k8s_config to weaken")
	}
	want := []string{"POL-DAG-01", "Job/dagster-run-customer-360",
		`run pod Dagster launches for code location "customer-360" (from Deployment/customer-360, container "dagster", DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT): container "dagster": /tmp is not on a writable emptyDir mount`}
	for name, args := range map[string][]string{
		"check":       {"check", "--root", root, "--contract", contract, "--enforcement", "strict"},
		"post-render": {"post-render", "--root", root, "--contract", contract, "--product", product, "--enforcement", "strict"},
	} {
		t.Run(name, func(t *testing.T) {
			if code, _, stderr := runFloeIn(rendered, args...); code != 0 {
				t.Fatalf("the rendered stream: exit %d\n%s", code, stderr)
			}
			code, stdout, stderr := runFloeIn(weak, args...)
			if code != 1 || slices.ContainsFunc(want, func(s string) bool { return !strings.Contains(stdout+stderr, s) }) {
				t.Fatalf("the weakened stream: exit %d, want 1 and %q\nstdout: %s\nstderr: %s", code, want, stdout, stderr)
			}
		})
	}
}
