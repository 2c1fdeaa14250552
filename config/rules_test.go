package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/floe-dev/floe/diag"
)

func TestCheckCron(t *testing.T) {
	good := []string{"*/10 * * * *", "0 8 * * *", "0 0 1 1 0", "59 23 31 12 6", "0-30/5 8-18 * 1,6-8 1-5", "5/15 * * * *", "  0 8 * * *  ", "0\t8 * * *",
		"0 0 29 2 *", "0 0 31 1-3 *", "0 0 30 2 1", "0 0 31 */2 *", "0 0 5/10 2 *", "0 0 */31 2 *"}
	for _, c := range good {
		if err := CheckCron(c); err != nil {
			t.Errorf("CheckCron(%q): %v", c, err)
		}
	}
	bad := map[string]string{
		"0 8 * * MON":       "names (MON, JAN) are not supported",
		"0 8 * JAN *":       "names",
		"@daily":            "macros",
		"0 0 8 * * *":       "want 5 fields",
		"0 8 * *":           "want 5 fields",
		"60 * * * *":        "out of range 0-59",
		"* 24 * * *":        "out of range 0-23",
		"* * 0 * *":         "out of range 1-31",
		"* * * 13 *":        "out of range 1-12",
		"* * * * 7":         "out of range 0-6",
		"*/0 * * * *":       "step 0 out of range",
		"*/61 * * * *":      "step 61 out of range",
		"30-10 * * * *":     "runs backwards",
		"1,,2 * * * *":      "empty list item",
		"? * * * *":         "is not a number",
		"-1 * * * *":        "is not a number",
		"* * L * *":         "names",
		"":                  "want 5 fields",
		"0 0 31 2 *":        "never fires",
		"0 0 30 2 *":        "never fires",
		"0 0 31 4,6,9,11 *": "never fires",
		"0 0 30-31 2 */2":   "never fires",
		"0 0 31 2,4 *":      `no month of "2,4" has a day of "31"`,
	}
	for c, want := range bad {
		err := CheckCron(c)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckCron(%q) = %v, want %q", c, err, want)
		}
	}
}

func TestCheckTimezone(t *testing.T) {
	for _, tz := range []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata"} {
		if err := checkTimezone(tz); err != nil {
			t.Errorf("%s: %v", tz, err)
		}
	}
	for _, tz := range []string{"", "Local", "Mars/Olympus", "../../etc/passwd", "EST5EDT,M3"} {
		if err := checkTimezone(tz); err == nil {
			t.Errorf("%q accepted", tz)
		}
	}
}

func TestNames(t *testing.T) {
	for p, want := range map[string][2]string{
		"customer-360": {"customer_360", "customer_360"},
		"hello-orders": {"hello_orders", "hello_orders"},
		"a--b":         {"a_b", "a__b"},
		"-x-":          {"x", "x"},
		"---":          {"product", "floe"},
		"":             {"product", "floe"},
		"Ab.c d":       {"Ab_c_d", "Ab_c_d"},
		"ü-x":          {"x", "x"},
	} {
		if s, d := Slug(p), DBTName(p); s != want[0] || d != want[1] {
			t.Errorf("%q: Slug %q DBTName %q, want %q %q", p, s, d, want[0], want[1])
		}
	}
}

func TestPrivateHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost:4317": true, "LOCALHOST": true, "127.0.0.1:4317": true, "10.1.2.3": true, "192.168.1.1": true,
		"172.16.0.1": true, "172.31.255.1": true, "169.254.1.1": true, "::1": true, "[::1]:4317": true,
		"172.15.0.1": false, "172.32.0.1": false, "floe-platform-otel:4317": false, "otel.example.com": false,
		"100.64.0.1": false, "1720.1.1.1": false,
	} {
		if got := privateHost(host); got != want {
			t.Errorf("privateHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestSourcePos(t *testing.T) {
	src, ds := ParseSource("floe.yaml", []byte(`apiVersion: floe.dev/v1
metadata:
  name: x
  labels:
    app.kubernetes.io/part-of: y
transforms:
  - name: a
  - name: b
    depends_on: [a, c]
`))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	for p, want := range map[string][2]int{
		"apiVersion":    {1, 1},
		"metadata.name": {3, 3},
		"metadata.labels.app.kubernetes.io/part-of": {5, 5},
		"transforms[1]":              {8, 5},
		"transforms[1].dependsOn":    {9, 5}, // alias spelling found
		"transforms[1].dependsOn[1]": {9, 21},
		"transforms[1].tier":         {8, 5}, // missing: deepest ancestor
		"transforms[7].name":         {6, 1},
		"nope":                       {1, 1},
	} {
		if l, c := src.Pos(p); l != want[0] || c != want[1] {
			t.Errorf("Pos(%q) = %d:%d, want %d:%d", p, l, c, want[0], want[1])
		}
	}
	if !src.Has("transforms[1].dependsOn") || src.Has("transforms[1].tier") || src.Has("metadata.owner") {
		t.Error("Has")
	}
	var nilSrc *Source
	if l, c := nilSrc.Pos("x"); l != 0 || c != 0 {
		t.Error("nil source")
	}
}

func TestClosest(t *testing.T) {
	names := infoOf(reflect.TypeOf(Transform{})).names
	for key, want := range map[string]string{"dependson": "dependsOn", "depends-on": "dependsOn", "tages": "tags", "descripton": "", "x": ""} {
		if got := closest(key, names); got != want {
			t.Errorf("closest(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestMeshEffectiveManifest(t *testing.T) {
	r := mustRoot(t, filepath.Join("..", "golden", "validate", "manifest-mesh-stricter-wins"))
	m, ds := LoadManifest(r, "domain/manifest.yaml")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if len(m.Chain) != 2 || m.Chain[0].Metadata.Name != "acme-enterprise" || m.Chain[1].Metadata.Name != "sales-domain" {
		t.Fatalf("chain %v", m.Chain)
	}
	g := m.Governance
	if *g.DataRetentionDays != 730 || *g.QualityGates.MinimumTestCoverage != 90 || g.PIIEncryption != "required" ||
		g.PolicyEnforcementLevel != "strict" || !*g.QualityGates.RequireDescriptions {
		t.Errorf("governance not merged stricter-wins: %+v %+v", g, g.QualityGates)
	}
	if *m.Chain[0].Governance.DataRetentionDays != 365 {
		t.Error("merge mutated the enterprise manifest")
	}
	if m.Plugins.Compute.Type != "snowflake" || m.Plugins.Orchestrator.Type != "dagster" || m.Plugins.Catalog.Type != "polaris" {
		t.Errorf("plugins not merged child-over-parent: %+v", m.Plugins)
	}
	if m.Observability == nil || m.Observability.Tracing.Endpoint != "http://floe-platform-otel:4317" {
		t.Error("observability not inherited")
	}
	if m.ResourcePresets["small"].CPURequest != "100m" || m.ApprovedPlugins["compute"] == nil || m.ApprovedProducts[0] != "customer-360" {
		t.Error("presets / approved lists not carried")
	}
	if m.Scope != "domain" || m.Source.Path != "domain/manifest.yaml" {
		t.Errorf("effective manifest identity %q %q", m.Scope, m.Source.Path)
	}
	if len(ds.Warnings()) != 2 {
		t.Errorf("want 2 stricter-wins warnings, got %v", ds)
	}
}

func TestValidateRuntimeAccepts(t *testing.T) {
	r := mustRoot(t, "testdata/demo")
	in, ds := Load(r, "platform/pec-dev.yaml", "demo/customer-360")
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	for _, rt := range []string{"dagster", "floe-jobs"} {
		if ds := ValidateRuntime(in, rt); len(ds) != 0 {
			t.Errorf("%s: %v", rt, ds)
		}
	}
	if ds := ValidateRuntime(in, "argo"); !ds.HasErrors() {
		t.Error("unknown runtime accepted")
	}
	approved, def := ComputeApproval(in)
	if def != "duckdb" || len(approved) != 1 || approved[0] != "duckdb" {
		t.Errorf("ComputeApproval = %v %q", approved, def)
	}
}

func TestInputsWarningsAndNilOnError(t *testing.T) {
	r := mustRoot(t, "testdata/demo")
	in, ds := Load(r, "platform/pec-dev.yaml", "demo/customer-360")
	if len(in.Warnings) != 1 || in.Warnings[0].Severity != diag.Warning || len(ds) != 1 {
		t.Errorf("warnings %v / %v", in.Warnings, ds)
	}
	in, ds = Load(r, "platform/pec-dev.yaml", "demo/missing")
	if in != nil || !ds.HasErrors() {
		t.Errorf("missing product: %v %v", in, ds)
	}
}

func TestDefaultRoot(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	write(t, filepath.Join(repo, ".git", "HEAD"), "x")
	write(t, filepath.Join(repo, "apps", "p", "floe.yaml"), "x")
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "ARGOCD_APP_SOURCE_PATH" {
				return v
			}
			return ""
		}
	}
	if got := DefaultRoot(filepath.Join(base, "checkout", "apps", "p"), "floe.yaml", env("apps/p")); got != filepath.Join(base, "checkout") {
		t.Errorf("argocd: %q", got)
	}
	if got := DefaultRoot(filepath.Join(repo, "apps"), "p/floe.yaml", env("")); got != repo {
		t.Errorf("git: %q", got)
	}
	if got := DefaultRoot(filepath.Join(repo, "apps"), "p", env("other/path")); got != repo {
		t.Errorf("argocd path not a suffix: %q", got)
	}
	_ = os.Getenv
}

func TestShowRedacts(t *testing.T) {
	for in, want := range map[string]string{
		"grpc://user:hunter2@otel:4317":  `"grpc://<redacted>@otel:4317"`,
		"admin:hunter2@registry.example": `"<redacted>@registry.example"`,
		"@daily":                         `"@daily"`,
		"plain":                          `"plain"`,
		"note " + "gh" + "p_" + strings.Repeat("A1b2C3d4E5", 4): `"note <redacted>"`,
		strings.Repeat("x", 100):                                `"` + strings.Repeat("x", 80) + `…(100 bytes)"`,
	} {
		if got := show(in); got != want {
			t.Errorf("show(%q) = %s, want %s", in, got, want)
		}
	}
	// a secret-looking field never echoes its value in a type error
	_, ds := ParseSource("m.yaml", []byte("a: 1\n"))
	_ = ds
	d := newDecoder("m.yaml")
	var m Manifest
	src, _ := ParseSource("m.yaml", []byte("metadata:\n  name: 12345678\nplugins:\n  catalog:\n    type: polaris\n    connection_secret_ref: 987654321\n"))
	d.decodeDoc(src.Node, &m)
	out := d.diags.Error()
	if strings.Contains(out, "987654321") || !strings.Contains(out, "12345678") {
		t.Errorf("secret echo rule:\n%s", out)
	}
}
