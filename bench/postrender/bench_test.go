package postrender_bench

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"runtime/debug"
	"sort"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/floe-dev/floe/config"
	_ "github.com/floe-dev/floe/golden" // knows -update
	"github.com/floe-dev/floe/policies"
	"github.com/floe-dev/floe/postrender"
)

// contract is a minimal in-memory contract (no files read).
func contract() (*config.Contract, *config.Manifest, *config.FloeSpec) {
	c := &config.Contract{Metadata: config.ContractMetadata{Name: "floe-dev"}}
	c.Environment.Name = "dev"
	c.Environment.Kubernetes.Namespace = "floe-dev"
	m := &config.Manifest{Metadata: config.ManifestMetadata{Name: "floe-demo-platform", Version: "1.0.0"}}
	p := &config.FloeSpec{Metadata: config.ProductMeta{Name: "customer-360", Version: "1.0.0"}}
	return c, m, p
}

func renderer(tb testing.TB, gate policies.Checker) *postrender.Renderer {
	c, m, p := contract()
	r, err := postrender.New(postrender.Options{Contract: c, Manifest: m, Product: p, Gate: gate,
		Now: func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// floor decodes every document into a yaml.v3 node tree and encodes it again.
func floor(in []byte) ([]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(in))
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if err := enc.Encode(&n); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func kustomizeBuild(in []byte, kust string) ([]byte, error) {
	fs := filesys.MakeFsInMemory()
	if err := fs.WriteFile("/app/kustomization.yaml", []byte(kust)); err != nil {
		return nil, err
	}
	if err := fs.WriteFile("/app/stream.yaml", in); err != nil {
		return nil, err
	}
	opts := krusty.MakeDefaultOptions()
	opts.Reorder = krusty.ReorderOptionNone
	m, err := krusty.MakeKustomizer(opts).Run(fs, "/app")
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}

// TestBaselinesAreEquivalent checks that the three variants do comparable work: every
// Deployment comes out with the OTLP endpoint and the product label, and all 200
// survive; without it the timings would compare different jobs.
func TestBaselinesAreEquivalent(t *testing.T) {
	in := Stream(Servers)
	if len(in) < 200_000 || len(in) > 320_000 {
		t.Fatalf("generated stream is %d bytes, want about 250 KB", len(in))
	}
	if testing.Verbose() {
		t.Logf("stream: %d documents, %d bytes", Servers, len(in))
	}
	fl, err := floor(in)
	if err != nil {
		t.Fatal(err)
	}
	ku, err := kustomizeBuild(in, Kustomization())
	if err != nil {
		t.Fatal(err)
	}
	fo, _, err := renderer(t, nil).Render(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"floor": fl, "kustomize": ku, "floe": fo} {
		if got := bytes.Count(out, []byte("\nkind: Deployment")) + bytes.Count(out[:min(len(out), 64)], []byte("kind: Deployment")); got < Servers {
			t.Errorf("%s: %d Deployments, want %d", name, got, Servers)
		}
		if name == "floor" {
			continue
		}
		if got := bytes.Count(out, []byte("name: OTEL_EXPORTER_OTLP_ENDPOINT")); got != Servers {
			t.Errorf("%s: %d containers with the OTLP endpoint, want %d", name, got, Servers)
		}
		if got := bytes.Count(out, []byte("floe.dev/product: customer-360")); got < 2*Servers {
			t.Errorf("%s: %d product labels, want at least %d", name, got, 2*Servers)
		}
	}
}

func BenchmarkFloor(b *testing.B) {
	in := Stream(Servers)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := floor(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKustomize(b *testing.B) {
	in, k := Stream(Servers), Kustomization()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := kustomizeBuild(in, k); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFloe(b *testing.B) {
	in, r := Stream(Servers), renderer(b, nil)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, _, err := r.Render(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFloeWithGate(b *testing.B) {
	e, err := policies.New(context.Background(), policies.Options{})
	if err != nil {
		b.Fatal(err)
	}
	in, r := Stream(Servers), renderer(b, e)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, _, err := r.Render(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompare runs the variants in alternation (floor, kustomize, floe, floe+gate,
// floor, …) for rounds rounds and reports each median and the ratios, so that machine
// load drifts affect all of them alike. Use -benchtime 1x.
//
// Each run starts after a collection. In the "gc" sub-benchmark the collector runs as
// usual during it (GOGC=100); in "nogc" it does not — as in a floe process, whose first
// collection waits for a 128 MiB heap (internal/gcdefer), which this stream never
// reaches — so that mode compares the work alone, the floor's included.
func BenchmarkCompare(b *testing.B) {
	const rounds = 15
	in, k := Stream(Servers), Kustomization()
	e, err := policies.New(context.Background(), policies.Options{})
	if err != nil {
		b.Fatal(err)
	}
	plain, gated := renderer(b, nil), renderer(b, e)
	variants := []struct {
		name string
		fn   func() error
	}{
		{"floor", func() error { _, err := floor(in); return err }},
		{"kustomize", func() error { _, err := kustomizeBuild(in, k); return err }},
		{"floe", func() error { _, _, err := plain.Render(context.Background(), in); return err }},
		{"floe+gate", func() error { _, _, err := gated.Render(context.Background(), in); return err }},
	}
	for _, mode := range []string{"gc", "nogc"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				times := make([][]time.Duration, len(variants))
				for r := 0; r < rounds; r++ {
					for i, v := range variants {
						runtime.GC()
						if mode == "nogc" {
							debug.SetGCPercent(-1)
						}
						start := time.Now()
						err := v.fn()
						times[i] = append(times[i], time.Since(start))
						debug.SetGCPercent(100)
						if err != nil {
							b.Fatal(err)
						}
					}
				}
				med := make([]float64, len(variants))
				for i, ts := range times {
					sort.Slice(ts, func(a, c int) bool { return ts[a] < ts[c] })
					med[i] = float64(ts[len(ts)/2].Microseconds()) / 1000
					b.ReportMetric(med[i], "ms-"+variants[i].name)
				}
				b.ReportMetric(med[2]/med[0], "floe/floor")
				b.ReportMetric(med[2]/med[1], "floe/kustomize")
				b.ReportMetric(med[3]/med[0], "floe+gate/floor")
				b.ReportMetric(med[3]/med[1], "floe+gate/kustomize")
			}
		})
	}
}
