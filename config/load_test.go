package config

import (
	"strings"
	"testing"

	_ "github.com/floe-dev/floe/golden" // the -update flag
)

func mustRoot(t testing.TB, dir string) Root {
	t.Helper()
	r, err := OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLoadDemo(t *testing.T) {
	r := mustRoot(t, "testdata/demo")
	for _, product := range []string{"demo/customer-360", "examples/hello-orders/floe.yaml"} {
		in, ds := Load(r, "platform/pec-dev.yaml", product)
		if ds.HasErrors() {
			t.Fatalf("%s: %v", product, ds)
		}
		if in.Contract == nil || in.Manifest == nil || in.Product == nil {
			t.Fatalf("%s: incomplete inputs %+v", product, in)
		}
		if in.Manifest.Plugins.Compute.Type != "duckdb" || len(in.Manifest.Chain) != 1 {
			t.Errorf("%s: manifest not loaded as expected", product)
		}
		for _, w := range in.Warnings {
			t.Logf("warning: %v", w)
		}
	}
	in, _ := Load(r, "platform/pec-dev.yaml", "demo/customer-360")
	if in.ProductDir != "demo/customer-360" || in.Product.Metadata.Name != "customer-360" {
		t.Errorf("ProductDir %q name %q", in.ProductDir, in.Product.Metadata.Name)
	}
	if got := len(in.Product.Transforms[3].DependsOn); got != 2 {
		t.Errorf("dependsOn of int_customer_orders: %d", got)
	}
}

func TestAcceptFixtures(t *testing.T) {
	r := mustRoot(t, "testdata/fixtures")
	for _, f := range []string{"manifest-demo.yaml", "manifest-2tier-quickstart.yaml", "manifest-enterprise-quickstart.yaml", "extra/manifest-quickstart-fixture.yaml"} {
		if _, ds := LoadManifest(r, f); ds.HasErrors() {
			t.Errorf("%s: %v", f, ds)
		}
	}
	for _, f := range []string{"floe-customer-360.yaml", "floe-hello-orders.yaml", "extra/floe-financial-risk.yaml", "extra/floe-iot-telemetry.yaml"} {
		if _, ds := LoadProduct(r, f); ds.HasErrors() {
			t.Errorf("%s: %v", f, ds)
		}
	}
}

func TestRejectLegacyDemo(t *testing.T) {
	r := mustRoot(t, "testdata/fixtures")
	p, ds := LoadProduct(r, "floe-demo-legacy-customer-360.yaml")
	if p != nil {
		t.Fatal("legacy demo accepted")
	}
	if n := len(ds.Errors()); n != 12 {
		t.Errorf("want Floe's 12 errors, got %d:\n%v", n, ds)
	}
	for _, d := range ds {
		if d.Line == 0 || d.Path == "" {
			t.Errorf("unlocated: %v", d)
		}
	}
	if !strings.Contains(ds.Error(), `input_ports: unknown field "input_ports"`) {
		t.Errorf("missing input_ports error:\n%v", ds)
	}
}
