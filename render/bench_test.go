package render

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/floe-dev/floe/golden"
)

// BenchmarkRender is one product through the whole pipeline in process, with a reused
// Engine: load, resolve, values, helm, parse, filters, emit, evidence. Besides ns/op
// (wall time, inflated when the machine is busy) it reports cpu-ns/op, the process's
// user+system CPU time per render, which is what a batch of products on N cores costs.
func BenchmarkRender(b *testing.B) {
	eng, err := NewEngine()
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"customer-360-dagster", "customer-360-floe-jobs"} {
		b.Run(name, func(b *testing.B) {
			c, root := loadCase(b, filepath.Join(golden.Dir(b), "render", name))
			opts := caseOptions(c, root)
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				if _, err := eng.Render(context.Background(), opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRenderProvenance is BenchmarkRender's Dagster product without and with an
// attestation (D-EVD-04): the read set recorded, the inputs digest, the statement built
// and marshalled (signing is the command's, a constant few tens of microseconds).
func BenchmarkRenderProvenance(b *testing.B) {
	eng, err := NewEngine()
	if err != nil {
		b.Fatal(err)
	}
	c, root := loadCase(b, filepath.Join(golden.Dir(b), "render", "customer-360-dagster"))
	if _, err := eng.Render(context.Background(), caseOptions(c, root)); err != nil { // the gate compiled before either is timed
		b.Fatal(err)
	}
	for _, attest := range []bool{false, true} {
		name := "plain"
		if attest {
			name = "attest"
		}
		b.Run(name, func(b *testing.B) {
			opts := caseOptions(c, root)
			opts.Provenance = attest
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				res, err := eng.Render(context.Background(), opts)
				if err != nil {
					b.Fatal(err)
				}
				if attest {
					st, err := res.Statement(map[string]string{"floe": "bench"}, opts.ImageTag, opts.Now)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := st.JSON(); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}
