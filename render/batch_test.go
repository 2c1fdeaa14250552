package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/golden"
)

var (
	batchEngineOnce sync.Once
	batchEngine     *Engine
	batchEngineErr  error
)

// testBatchEngine is one Engine (real charts, real policy gate) for the batch tests.
func testBatchEngine(t testing.TB) *Engine {
	t.Helper()
	batchEngineOnce.Do(func() { batchEngine, batchEngineErr = NewEngine() })
	if batchEngineErr != nil {
		t.Fatal(batchEngineErr)
	}
	return batchEngine
}

// batchRoot copies golden/batch/root (plus the given overlay directories of golden/batch)
// into a temporary directory and returns it.
func batchRoot(t *testing.T, overlays ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	for _, src := range append([]string{"root"}, overlays...) {
		if err := os.CopyFS(dir, os.DirFS(filepath.Join(golden.Dir(t), "batch", src))); err != nil && !errors.Is(err, fs.ErrExist) {
			t.Fatal(err)
		}
	}
	return dir
}

func batchOptions(t *testing.T, dir, outDir string) BatchOptions {
	t.Helper()
	root, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return BatchOptions{
		Options: Options{Root: root, ContractPath: "platform/contract.yaml", ImageTag: testTag, Now: testNow, FloeVersion: "test"},
		Dir:     "products", OutDir: outDir,
	}
}

// tree lists every file under dir as "path sha256-prefix size", sorted, and returns the
// files' contents by path.
func tree(t *testing.T, dir string) (string, map[string][]byte) {
	t.Helper()
	files := map[string][]byte{}
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		files[rel] = b
		lines = append(lines, fmt.Sprintf("%s %x %d", rel, sha256.Sum256(b), len(b)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n", files
}

// leftovers lists the staging directories a batch left next to out.
func leftovers(t *testing.T, out string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, e := range ents {
		if strings.Contains(e.Name(), ".floe-") {
			bad = append(bad, e.Name())
		}
	}
	return bad
}

// TestBatchGolden renders golden/batch/root's products into a directory and as a stream:
// the tree listing, the stream and the warnings are golden; each product's folder holds
// exactly what `render -o DIR` (WriteDir) writes for that product alone.
func TestBatchGolden(t *testing.T) {
	eng := testBatchEngine(t)
	dir := batchRoot(t)
	out := filepath.Join(t.TempDir(), "out")
	res, err := eng.Batch(context.Background(), batchOptions(t, dir, out))
	if err != nil {
		t.Fatal(err)
	}
	listing, files := tree(t, out)
	golden.Assert(t, filepath.Join(golden.Dir(t), "batch", "files.txt"), []byte(listing))
	golden.Assert(t, filepath.Join(golden.Dir(t), "batch", "warnings.txt"), []byte(res.Warnings.Error()+"\n"))
	if n := leftovers(t, out); n != nil {
		t.Errorf("staging directories left behind: %v", n)
	}

	wantProducts := []string{"products/customer-360", "products/hello-orders", "products/sales/orders-daily"}
	var got []string
	for _, p := range res.Products {
		got = append(got, p.Path+"→"+p.Out)
		if p.Objects == 0 {
			t.Errorf("%s: no objects", p.Path)
		}
	}
	want := []string{"products/customer-360→customer-360", "products/hello-orders→hello-orders", "products/sales/orders-daily→sales/orders-daily"}
	if !slices.Equal(got, want) {
		t.Errorf("products = %v, want %v", got, want)
	}

	// Each folder is byte-for-byte what a single render written with WriteDir gives.
	o := batchOptions(t, dir, "")
	for i, p := range wantProducts {
		single := o.Options
		single.ProductPath = p
		r, err := eng.Render(context.Background(), single)
		if err != nil {
			t.Fatal(err)
		}
		one := filepath.Join(t.TempDir(), "one")
		if err := WriteDir(one, r.Objects); err != nil {
			t.Fatal(err)
		}
		_, oneFiles := tree(t, one)
		if len(oneFiles) != res.Products[i].Objects {
			t.Errorf("%s: %d files from WriteDir, batch counted %d objects", p, len(oneFiles), res.Products[i].Objects)
		}
		for name, b := range oneFiles {
			if got := files[want[i][strings.Index(want[i], "→")+len("→"):]+"/"+name]; !bytes.Equal(got, b) {
				t.Errorf("%s/%s differs from render -o DIR", p, name)
			}
		}
	}

	// The stdout form: every product's canonical stream under a comment, in path order.
	o.OutDir = ""
	sres, err := eng.Batch(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join(golden.Dir(t), "batch", "expected.yaml"), sres.Stream)
	if c := bytes.Count(sres.Stream, []byte("# floe product: ")); c != 3 {
		t.Errorf("stream introduces %d products, want 3", c)
	}
	o.JSON = true
	jres, err := eng.Batch(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join(golden.Dir(t), "batch", "expected.json"), jres.Stream)
}

// TestBatchDeterministic: the written tree and the stream do not depend on GOMAXPROCS or
// on the number of parallel renders.
func TestBatchDeterministic(t *testing.T) {
	eng := testBatchEngine(t)
	dir := batchRoot(t)
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	var trees, streams []string
	for _, c := range []struct{ procs, jobs int }{{1, 0}, {4, 0}, {4, 1}, {2, 3}} {
		runtime.GOMAXPROCS(c.procs)
		out := filepath.Join(t.TempDir(), "out")
		o := batchOptions(t, dir, out)
		o.Jobs = c.jobs
		if _, err := eng.Batch(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		listing, _ := tree(t, out)
		trees = append(trees, listing)
		o.OutDir = ""
		res, err := eng.Batch(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, string(res.Stream))
	}
	for i := 1; i < len(trees); i++ {
		if trees[i] != trees[0] {
			t.Errorf("run %d wrote a different tree:\n%s", i, golden.Diff(trees[0], trees[i]))
		}
		if streams[i] != streams[0] {
			t.Errorf("run %d printed a different stream:\n%s", i, golden.Diff(streams[0], streams[i]))
		}
	}
}

// TestBatchBroken: two broken products among good ones fail the batch with exit 2, name
// both (sorted), and leave neither the output directory nor a staging directory; an
// existing output directory is left as it was.
func TestBatchBroken(t *testing.T) {
	eng := testBatchEngine(t)
	dir := batchRoot(t, "broken")
	for _, existing := range []bool{false, true} {
		t.Run(fmt.Sprintf("existing=%v", existing), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			var before string
			if existing {
				// a previous good batch
				if _, err := eng.Batch(context.Background(), batchOptions(t, batchRoot(t), out)); err != nil {
					t.Fatal(err)
				}
				before, _ = tree(t, out)
			}
			res, err := eng.Batch(context.Background(), batchOptions(t, dir, out))
			if err == nil {
				t.Fatalf("batch with broken products succeeded: %+v", res)
			}
			var be *BatchError
			if !errors.As(err, &be) {
				t.Fatalf("error %T %v is not a *BatchError", err, err)
			}
			var paths []string
			for _, f := range be.Failures {
				paths = append(paths, f.Path)
			}
			if want := []string{"products/aa-bad", "products/zz-bad"}; !slices.Equal(paths, want) {
				t.Errorf("failures %v, want %v", paths, want)
			}
			if be.Total != 5 {
				t.Errorf("total %d, want 5", be.Total)
			}
			var ec diag.ExitCode
			if !errors.As(err, &ec) || ec.ExitCode() != 2 {
				t.Errorf("exit code: %v, want 2", ec)
			}
			golden.Assert(t, filepath.Join(golden.Dir(t), "batch", "broken.txt"), []byte(err.Error()+"\n"))
			if existing {
				after, _ := tree(t, out)
				if after != before {
					t.Errorf("a failed batch changed the existing output:\n%s", golden.Diff(before, after))
				}
			} else if _, serr := os.Lstat(out); !errors.Is(serr, fs.ErrNotExist) {
				t.Errorf("output directory exists after a failed batch: %v", serr)
			}
			if n := leftovers(t, out); n != nil {
				t.Errorf("staging directories left behind: %v", n)
			}
		})
	}
}

// TestBatchOutput: a previous batch's output is replaced; a directory holding anything
// else is refused and left untouched.
func TestBatchOutput(t *testing.T) {
	eng := testBatchEngine(t)
	dir := batchRoot(t)
	tests := []struct {
		name    string
		prepare func(t *testing.T, out string)
		wantErr string
	}{
		{"absent", func(*testing.T, string) {}, ""},
		{"empty", func(t *testing.T, out string) { mkdir(t, out) }, ""},
		{"previous output with a product since removed", func(t *testing.T, out string) {
			write(t, filepath.Join(out, "gone", "01-deployment-gone.yaml"), "kind: Deployment\n")
		}, ""},
		{"foreign file", func(t *testing.T, out string) {
			write(t, filepath.Join(out, "customer-360", "01-deployment-x.yaml"), "x\n")
			write(t, filepath.Join(out, "notes", "README.md"), "keep me\n")
		}, "holds notes/README.md, which floe did not write"},
		{"a file", func(t *testing.T, out string) { write(t, out, "x\n") }, "is not a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			tc.prepare(t, out)
			var before string
			if st, err := os.Stat(out); err == nil && st.IsDir() {
				before, _ = tree(t, out)
			}
			_, err := eng.Batch(context.Background(), batchOptions(t, dir, out))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				listing, _ := tree(t, out)
				want, _ := os.ReadFile(filepath.Join(golden.Dir(t), "batch", "files.txt"))
				if listing != string(want) {
					t.Errorf("output differs from golden/batch/files.txt:\n%s", golden.Diff(string(want), listing))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
			if code := exitCodeOf(err); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			if before != "" {
				if after, _ := tree(t, out); after != before {
					t.Errorf("refused output was changed")
				}
			}
		})
	}
}

func exitCodeOf(err error) int {
	var ec diag.ExitCode
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return 3
}

// BenchmarkBatch is golden/batch/root's products rendered into a directory by one
// Engine (policies compiled once), GOMAXPROCS at a time; cpu-ns/op is the process CPU
// per batch. bench/batch.sh measures 1,000 products as a whole process.
func BenchmarkBatch(b *testing.B) {
	eng := testBatchEngine(b)
	dir := filepath.Join(b.TempDir(), "repo")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(golden.Dir(b), "batch", "root"))); err != nil {
		b.Fatal(err)
	}
	root, err := config.OSRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "out")
	opts := BatchOptions{Options: Options{Root: root, ContractPath: "platform/contract.yaml", ImageTag: testTag, Now: testNow},
		Dir: "products", OutDir: out}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := eng.Batch(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}
