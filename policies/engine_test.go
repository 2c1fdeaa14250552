package policies

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/floe-dev/floe/policies/internal/streamgen"
)

var (
	engineOnce sync.Once
	engine     *Engine
	engineErr  error
)

// testEngine compiles the built-in policies once for all tests, as a process would.
func testEngine(t testing.TB) *Engine {
	t.Helper()
	engineOnce.Do(func() { engine, engineErr = New(context.Background(), Options{}) })
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return engine
}

func mustParse(t testing.TB, name, src string) []Object {
	t.Helper()
	objs, err := ParseObjects(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// short renders findings as "line rule resource: message" for table comparisons.
func short(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, strings.Join([]string{f.File, strconv.Itoa(f.Line), f.Severity, f.Rule, f.Resource + ": " + f.Message}, " "))
	}
	return out
}

func TestRulesCatalogue(t *testing.T) {
	var ids []string
	for _, r := range testEngine(t).Rules() {
		ids = append(ids, r.ID)
		if r.Title == "" || r.Remediation == "" || (r.Severity != Deny && r.Severity != Warn) || !strings.HasPrefix(r.Package, "floe.") {
			t.Errorf("incomplete metadata: %+v", r)
		}
	}
	want := []string{"POL-CJ-01", "POL-DAG-01", "POL-HOOK-01", "POL-LBL-01", "POL-NAME-01", "POL-NET-01", "POL-NET-02", "POL-NS-01", "POL-OL-01", "POL-OTEL-01",
		"POL-SEC-01", "POL-SEC-02", "POL-SEC-03", "POL-SEC-04", "POL-SEC-05", "POL-SEC-06", "POL-SEC-07", "POL-SEC-08", "POL-SEC-09", "POL-SEC-10"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("rule IDs (-want +got):\n%s", diff)
	}
	if r, ok := testEngine(t).Rule("POL-HOOK-01"); !ok || r.Severity != Warn {
		t.Errorf("POL-HOOK-01 = %+v, %v; want a warn rule", r, ok)
	}
}

const badDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
  namespace: default
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx
          env:
            - name: DB_PASSWORD
              value: hunter2-do-not-print
            - name: OTEL_SERVICE_NAME
              value: ledger
`

func TestCheckFindingsAreLocatedSortedAndSecretFree(t *testing.T) {
	objs := append(mustParse(t, "b.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: floe-dev}\nstringData: {token: tok-do-not-print}\n"),
		mustParse(t, "a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, namespace: floe-dev}\n---\n"+badDeployment)...)
	fs, err := testEngine(t).Check(context.Background(), objs, Params{Namespace: "floe-dev", ServiceAccount: "runner", Registry: "registry.example.com/dp", TagPolicy: "git-sha"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a.yaml 5 deny POL-NS-01 Deployment/ledger: is in namespace \"default\" (want \"floe-dev\")",
		"a.yaml 5 deny POL-OTEL-01 Deployment/ledger: container \"app\": env OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_RESOURCE_ATTRIBUTES not set",
		"a.yaml 5 deny POL-SEC-01 Deployment/ledger: container \"app\": runAsNonRoot is not true",
		"a.yaml 5 deny POL-SEC-01 Deployment/ledger: container \"app\": runAsUser is not set (expected a non-zero UID such as 1000)",
		"a.yaml 5 deny POL-SEC-02 Deployment/ledger: container \"app\": seccompProfile.type is not set (want RuntimeDefault or Localhost)",
		"a.yaml 5 deny POL-SEC-03 Deployment/ledger: container \"app\": allowPrivilegeEscalation is not false",
		"a.yaml 5 deny POL-SEC-03 Deployment/ledger: container \"app\": capabilities.drop does not include ALL",
		"a.yaml 5 deny POL-SEC-04 Deployment/ledger: container \"app\": readOnlyRootFilesystem is not true",
		"a.yaml 5 deny POL-SEC-06 Deployment/ledger: container \"app\": resources missing requests.cpu, requests.memory, limits.cpu, limits.memory",
		"a.yaml 5 deny POL-SEC-07 Deployment/ledger: pod template does not set automountServiceAccountToken: false",
		"a.yaml 5 deny POL-SEC-07 Deployment/ledger: pod template runs as service account \"default\" (want \"runner\")",
		"a.yaml 5 deny POL-SEC-08 Deployment/ledger: container \"app\": image \"nginx\" has no tag or digest",
		"a.yaml 5 deny POL-SEC-08 Deployment/ledger: container \"app\": image \"nginx\" is not from registry \"registry.example.com/dp\"",
		"a.yaml 5 deny POL-SEC-09 Deployment/ledger: container \"app\": env DB_PASSWORD has a literal value; use valueFrom.secretKeyRef",
		"b.yaml 1 deny POL-SEC-09 Secret/creds: Secret carries literal data (keys token)",
	}
	if diff := cmp.Diff(want, short(fs)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, f := range fs {
		if strings.Contains(f.Message, "do-not-print") || f.Remediation == "" || f.Title == "" || f.Namespace == "" {
			t.Errorf("finding %+v leaks a secret or lacks metadata", f)
		}
	}
}

func TestCheckWithoutParamsRunsParamFreeRules(t *testing.T) {
	fs, err := testEngine(t).Check(context.Background(), mustParse(t, "a.yaml", badDeployment), Params{})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, f := range fs {
		rules[f.Rule] = true
	}
	for _, r := range []string{"POL-NS-01", "POL-LBL-01", "POL-OL-01", "POL-NET-01"} {
		if rules[r] {
			t.Errorf("%s fired without the parameter it needs", r)
		}
	}
	for _, r := range []string{"POL-SEC-01", "POL-SEC-07", "POL-SEC-08", "POL-SEC-09", "POL-OTEL-01"} {
		if !rules[r] {
			t.Errorf("%s did not fire", r)
		}
	}
}

func TestCheckIsDeterministic(t *testing.T) {
	objs, err := ParseObjects("s.yaml", streamgen.Generate(400))
	if err != nil {
		t.Fatal(err)
	}
	first, err := testEngine(t).Check(context.Background(), objs, benchParams())
	if err != nil {
		t.Fatal(err)
	}
	if len(first) == 0 {
		t.Fatal("the generated stream has violations; none found")
	}
	for i := 0; i < 3; i++ {
		again, err := testEngine(t).Check(context.Background(), objs, benchParams())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Fatalf("run %d differs:\n%s", i, diff)
		}
	}
}

func TestExtraBundles(t *testing.T) {
	ctx := context.Background()
	platform := Module{Path: "platform/policies/owner.rego", Source: []byte(`package floe.platform_owner

rules["ACME-OWN-01"] := {"title": "Objects name an owner", "severity": "warn", "remediation": "Add the acme.com/owner label."}

violation contains {"rule": "ACME-OWN-01", "i": i, "msg": "has no acme.com/owner label"} if {
	some i, o in input.objects
	not o.object.metadata.labels["acme.com/owner"]
}
`)}
	test := Module{Path: "platform/policies/owner_test.rego", Source: []byte("this is not rego")}
	e, err := New(ctx, Options{ExtraBundles: []Module{platform, test}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Rule("ACME-OWN-01"); !ok {
		t.Fatal("platform rule not loaded")
	}
	fs, err := e.Check(ctx, mustParse(t, "x.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"), Params{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"x.yaml 1 warn ACME-OWN-01 ConfigMap/a: has no acme.com/owner label"}, short(fs)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestNewRejectsBadBundles(t *testing.T) {
	for name, tc := range map[string]struct {
		src, want string
	}{
		"syntax":         {"package floe.x\nrules[ := 1\n", "platform/x.rego:2"},
		"compile":        {"package floe.x\nviolation contains v if { v := undefined_fn(1) }\n", "undefined function undefined_fn"},
		"duplicate id":   {`package floe.x` + "\n" + `rules["POL-SEC-04"] := {"title": "t", "severity": "deny", "remediation": "r"}`, "rule POL-SEC-04 is declared by both"},
		"bad id":         {`package floe.x` + "\n" + `rules["sec4"] := {"title": "t", "severity": "deny", "remediation": "r"}`, `rule ID "sec4" is not like POL-SEC-01`},
		"bad severity":   {`package floe.x` + "\n" + `rules["X-01"] := {"title": "t", "severity": "error", "remediation": "r"}`, `severity "error" is not deny or warn`},
		"no remediation": {`package floe.x` + "\n" + `rules["X-01"] := {"title": "t", "severity": "deny"}`, "rule X-01 needs a title and a remediation"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(context.Background(), Options{ExtraBundles: []Module{{Path: "platform/x.rego", Source: []byte(tc.src)}}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestCheckRejectsMalformedViolations(t *testing.T) {
	for name, tc := range map[string]struct {
		body, want string
	}{
		"undeclared rule":    {`violation contains {"rule": "NOPE-01", "i": 0, "msg": "m"}`, `violation of undeclared rule "NOPE-01"`},
		"index out of range": {`violation contains {"rule": "X-01", "i": 7, "msg": "m"}`, `no valid object index`},
		"no message":         {`violation contains {"rule": "X-01", "i": 0}`, `no message`},
		"bad severity":       {`violation contains {"rule": "X-01", "i": 0, "msg": "m", "severity": "info"}`, `severity "info"`},
	} {
		t.Run(name, func(t *testing.T) {
			src := "package floe.x\n" + `rules["X-01"] := {"title": "t", "severity": "deny", "remediation": "r"}` + "\n" + tc.body + "\n"
			e, err := New(context.Background(), Options{ExtraBundles: []Module{{Path: "platform/x.rego", Source: []byte(src)}}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Check(context.Background(), mustParse(t, "x.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"), Params{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestSplitEvaluation: the built-in packages evaluated on parts of a stream in
// parallel find exactly what one evaluation of the whole stream finds; a bundle's own
// package still sees the whole stream, and a bundle adding to a built-in package turns
// splitting off.
func TestSplitEvaluation(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8)) // 1,000 objects: 8 parts
	ctx := context.Background()
	objs, err := ParseObjects("s.yaml", streamgen.Generate(1000))
	if err != nil {
		t.Fatal(err)
	}
	whole := Module{Path: "p/whole.rego", Source: []byte(`package floe.platform_count

rules["ACME-CNT-01"] := {"title": "Counts the stream", "severity": "warn", "remediation": "None."}

violation contains {"rule": "ACME-CNT-01", "i": n - 1, "msg": sprintf("the stream has %d objects", [n])} if {
	n := count(input.objects)
}
`)}
	extend := Module{Path: "p/labels.rego", Source: []byte(`package floe.labels

rules["ACME-LBL-01"] := {"title": "Objects name an owner", "severity": "warn", "remediation": "Add acme.com/owner."}

violation contains {"rule": "ACME-LBL-01", "i": i, "msg": "no owner"} if {
	some i, o in input.objects
	not o.object.metadata.labels["acme.com/owner"]
}
`)}
	for _, tc := range []struct {
		name    string
		bundles []Module
		split   bool
		extra   string // a finding only the bundle gives
	}{
		{"built-in", nil, true, ""},
		{"own package", []Module{whole}, true, "ACME-CNT-01 Service/orders-999: the stream has 1000 objects"},
		{"extends floe.labels", []Module{extend}, false, "ACME-LBL-01 Service/orders-999: no owner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := New(ctx, Options{ExtraBundles: tc.bundles})
			if err != nil {
				t.Fatal(err)
			}
			if e.isSplit != tc.split {
				t.Fatalf("split = %v, want %v", e.isSplit, tc.split)
			}
			got, err := e.Check(ctx, objs, benchParams())
			if err != nil {
				t.Fatal(err)
			}
			one := *e
			one.isSplit = false
			want, err := one.Check(ctx, objs, benchParams())
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				t.Fatal("the generated stream has violations; none found")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("split evaluation differs from one evaluation:\n%s", diff)
			}
			if tc.extra == "" {
				return
			}
			n := 0
			for _, f := range got {
				if f.Rule+" "+f.Resource+": "+f.Message == tc.extra {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d findings %q, want 1", n, tc.extra)
			}
		})
	}
}

// TestWholeStreamPackage: floe.netpol looks across the stream (whole_stream), so it is
// evaluated on all of it while the other built-in packages are split: a NetworkPolicy
// at the end of a long stream covers the workloads at its start.
func TestWholeStreamPackage(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	ctx := context.Background()
	np := `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: orders, namespace: floe-bench}
spec:
  podSelector: {matchLabels: {floe.dev/product: orders}}
  policyTypes: [Egress]
  egress: [{ports: [{port: 53}, {port: 8181}]}]
`
	p := benchParams()
	p.NetworkPolicy = &NetworkPolicy{EgressPorts: []int{53, 8181}}
	e := testEngine(t)
	if !e.isSplit || !e.hasWhole {
		t.Fatalf("split %v, whole packages %v", e.isSplit, e.hasWhole)
	}
	for _, tc := range []struct {
		stream string
		want   int // POL-NET-02 findings
	}{
		{string(streamgen.Generate(1000)) + np, 0},
		{string(streamgen.Generate(1000)), 500}, // 250 Deployments and 250 CronJobs
	} {
		objs, err := ParseObjects("s.yaml", []byte(tc.stream))
		if err != nil {
			t.Fatal(err)
		}
		fs, err := e.Check(ctx, objs, p)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range fs {
			if f.Rule == "POL-NET-02" {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%d objects: %d POL-NET-02 findings, want %d", len(objs), n, tc.want)
		}
	}
}

// TestEvaluationsStayInTheirPackages: on a split stream every planned evaluation yields
// violations of its own packages only, so nothing is evaluated twice (the whole-stream
// evaluation once ran every package again).
func TestEvaluationsStayInTheirPackages(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	ctx := context.Background()
	objs, err := ParseObjects("s.yaml", streamgen.Generate(1000))
	if err != nil {
		t.Fatal(err)
	}
	items, err := inputItems(objs)
	if err != nil {
		t.Fatal(err)
	}
	p := benchParams()
	p.NetworkPolicy = &NetworkPolicy{EgressPorts: []int{53}}
	params, err := paramsTerm(p)
	if err != nil {
		t.Fatal(err)
	}
	e := testEngine(t)
	evals := e.evaluations(items)
	if len(evals) != 5 { // netpol on the whole stream, the rest in 4 parts
		t.Fatalf("%d evaluations, want 5", len(evals))
	}
	seen := map[string]int{}
	for _, ev := range evals {
		allowed := map[string]bool{}
		ev.packages.Value.(*ast.Array).Foreach(func(t *ast.Term) { allowed[string(t.Value.(ast.String))] = true })
		results, err := e.findings(ctx, []evaluation{ev}, params, objs, epoch)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range results {
			pkg := strings.TrimPrefix(e.rules[f.Rule].Package, "floe.")
			if !allowed[pkg] {
				t.Errorf("evaluation of %v found %s (package %s)", ev.packages, f.Rule, pkg)
			}
			seen[pkg]++
		}
	}
	if seen["netpol"] == 0 || seen["images"] == 0 {
		t.Errorf("findings by package: %v", seen)
	}
}
