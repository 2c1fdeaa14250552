package config

import "testing"

// BenchmarkLoad measures one full Load of the demo (contract, manifest, product, cross
// checks) — the work done on every Argo CD refresh.
func BenchmarkLoad(b *testing.B) {
	r := mustRoot(b, "testdata/demo")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ds := Load(r, "platform/pec-dev.yaml", "demo/customer-360"); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}

// BenchmarkLoadProduct measures parsing and validating one floe.yaml from memory.
func BenchmarkLoadProduct(b *testing.B) {
	r := demoFiles(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ds := LoadProduct(r, "demo/customer-360/floe.yaml"); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}
