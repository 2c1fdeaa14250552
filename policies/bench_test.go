package policies

import (
	"context"
	"testing"

	"github.com/floe-dev/floe/policies/internal/streamgen"
)

func benchParams() Params {
	return Params{
		Namespace: streamgen.Namespace, ServiceAccount: streamgen.ServiceAccount,
		Registry: streamgen.Registry, TagPolicy: "git-sha", Environment: streamgen.Environment,
		Product: streamgen.Product, ProductVersion: streamgen.Version, Mode: "simple",
		LineageEnabled: true, LineageNamespace: streamgen.Product,
	}
}

// BenchmarkPolicy5000 evaluates every policy over a 5,000-object stream in one query.
func BenchmarkPolicy5000(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	objs, err := ParseObjects("stream.yaml", streamgen.Generate(5000))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := processCPU()
	for b.Loop() {
		fs, err := e.Check(ctx, objs, benchParams())
		if err != nil {
			b.Fatal(err)
		}
		if len(fs) == 0 {
			b.Fatal("no findings: the generated stream has violations")
		}
	}
	// CPU time (all threads, GC included) is reported too: on a shared machine the
	// wall-clock figure mostly measures the other processes.
	b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}
