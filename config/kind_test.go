package config

import (
	"os"
	"strings"
	"testing"
)

func TestDocumentKindAndWrongKind(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want, wrong string
	}{
		{"manifest as contract", "apiVersion: floe.dev/v1\nkind: Manifest\n", KindContract,
			"m.yaml:2:1: kind: a platform Manifest (kind: Manifest), but by wants a PlatformEnvironmentContract"},
		{"product as contract", "kind: FloeSpec\n", KindContract,
			"m.yaml:1:1: kind: a data product's floe.yaml (kind: FloeSpec), but by wants a PlatformEnvironmentContract"},
		{"contract as product", "kind: PlatformEnvironmentContract\n", KindProduct,
			"m.yaml:1:1: kind: a PlatformEnvironmentContract (kind: PlatformEnvironmentContract), but by wants a FloeSpec"},
		{"the wanted kind", "kind: Manifest\n", KindManifest, ""},
		{"an unknown kind is left to the field rules", "kind: Deployment\n", KindManifest, ""},
		{"no kind", "metadata: {}\n", KindManifest, ""},
		{"kind not a string", "kind: 3\n", KindManifest, ""},
		{"kind through an alias", "a: &k Manifest\nkind: *k\n", KindProduct, "but by wants a FloeSpec"},
		{"not a mapping", "- kind: Manifest\n", KindContract, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, ds := ParseSource("m.yaml", []byte(tc.doc))
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			got := wrongKind(src, tc.want, "by")
			switch {
			case tc.wrong == "" && got != nil:
				t.Fatalf("got %v; want nothing", got)
			case tc.wrong != "" && (len(got) != 1 || !strings.Contains(got[0].String(), tc.wrong)):
				t.Fatalf("got %v; want one %q", got, tc.wrong)
			}
		})
	}
}

// TestLoadersNameWrongKind: each loader answers a file of another kind with one error.
func TestLoadersNameWrongKind(t *testing.T) {
	r := mustRoot(t, "testdata/demo")
	if _, ds := LoadContract(r, "demo/manifest.yaml"); len(ds) != 1 || !strings.Contains(ds[0].Message, "but --contract wants") {
		t.Errorf("manifest as contract: %v", ds)
	}
	if _, ds := LoadManifest(r, "platform/pec-dev.yaml"); len(ds) != 1 || !strings.Contains(ds[0].Message, "wants a Manifest") {
		t.Errorf("contract as manifest: %v", ds)
	}
	if _, ds := LoadProduct(r, "demo/manifest.yaml"); len(ds) != 1 || !strings.Contains(ds[0].Message, "but PRODUCT wants a FloeSpec") {
		t.Errorf("manifest as product: %v", ds)
	}
	if _, ds := Load(r, "demo/customer-360/floe.yaml", "demo/customer-360"); len(ds) != 1 || !strings.Contains(ds[0].Message, "a data product's floe.yaml") {
		t.Errorf("product as contract: %v", ds)
	}
}

func TestLoadPlatform(t *testing.T) {
	r := mustRoot(t, "testdata/demo")
	in, ds := LoadPlatform(r, "platform/pec-dev.yaml")
	if in == nil || in.Manifest == nil || in.Product != nil || ds.HasErrors() {
		t.Fatalf("inputs %+v, diagnostics %v", in, ds)
	}
	if len(ds) != 1 || !strings.Contains(ds[0].Message, "X-03: the manifest has no plugins.telemetry_backend") {
		t.Errorf("diagnostics %v; want the one X-03 warning", ds)
	}

	m := mapRoot{
		"c.yaml": []byte(strings.Replace(string(mustRead(t, "testdata/demo/platform/pec-dev.yaml")), "path: demo/manifest.yaml", "path: m.yaml", 1)),
		"m.yaml": []byte(strings.Replace(string(mustRead(t, "testdata/demo/demo/manifest.yaml")), "type: dagster", "type: airflow", 1)),
	}
	in, ds = LoadPlatform(m, "c.yaml")
	if in != nil || !ds.HasErrors() || !strings.Contains(ds.Error(), "X-03: orchestrator") {
		t.Errorf("unsupported orchestrator: inputs %v, diagnostics %v", in != nil, ds)
	}
}

// TestTemplatesValid: what floe init writes passes validation without a warning.
func TestTemplatesValid(t *testing.T) {
	r := mapRoot{
		"platform/contract.yaml": TemplateContract("platform/manifest.yaml"),
		"platform/manifest.yaml": TemplateManifest(),
		"p/floe.yaml":            TemplateProduct("Orders Daily!"),
	}
	in, ds := Load(r, "platform/contract.yaml", "p")
	if in == nil || len(ds) != 0 {
		t.Fatalf("diagnostics %v", ds)
	}
	if in.Product.Metadata.Name != "orders-daily" {
		t.Errorf("name %q; want orders-daily", in.Product.Metadata.Name)
	}
	for arg, want := range map[string]string{"": "my-product", "---": "my-product", "ÉtÉ": "t", "Sales_2026": "sales-2026"} {
		src, _ := ParseSource("f.yaml", TemplateProduct(arg))
		if got := src.Node.Content[0]; got == nil {
			t.Fatal("no document")
		}
		p, ds := LoadProduct(mapRoot{"f.yaml": TemplateProduct(arg)}, "f.yaml")
		if p == nil || p.Metadata.Name != want {
			t.Errorf("TemplateProduct(%q): %v %v; want name %q", arg, p, ds, want)
		}
	}
	if got := string(TemplateContract(`we"ird/m.yaml`)); !strings.Contains(got, `path: "we\"ird/m.yaml"`) {
		t.Errorf("the manifest path is not quoted: %s", got)
	}
}

func FuzzLoadPlatform(f *testing.F) {
	seeds(f, "fixtures/pec-dev.yaml", "demo/platform/pec-dev.yaml", "demo/demo/manifest.yaml")
	base := demoFiles(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := mapRoot{}
		for k, v := range base {
			r[k] = v
		}
		r["demo/manifest.yaml"] = data
		in, ds := LoadPlatform(r, "platform/pec-dev.yaml")
		if (in == nil) != ds.HasErrors() {
			t.Fatalf("inputs %v with diagnostics %v", in != nil, ds)
		}
		if k := DocumentKind(&Source{Node: nil}); k != "" {
			t.Fatal(k)
		}
	})
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
