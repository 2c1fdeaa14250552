package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/golden"
	"github.com/floe-dev/floe/internal/atomicwrite"
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

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	mkdir(t, filepath.Dir(name))
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	mkdir(t, filepath.Dir(name))
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

// TestFindProducts: the walk is sorted, skips hidden entries, never follows a symlinked
// directory, takes a symlinked floe.yaml only inside the root, and refuses bad DIRs.
func TestFindProducts(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	write(t, filepath.Join(outside, "floe.yaml"), "x\n")
	r := filepath.Join(base, "root")
	for _, p := range []string{"b/floe.yaml", "a/floe.yaml", "a/nested/floe.yaml", "floe.yaml", ".hidden/floe.yaml", "c/.git/floe.yaml", "shared/real.yaml"} {
		write(t, filepath.Join(r, p), "x\n")
	}
	mkdir(t, filepath.Join(r, "empty"))
	mkdir(t, filepath.Join(r, "d", "floe.yaml")) // a directory named floe.yaml
	symlink(t, "a", filepath.Join(r, "link-to-a"))
	symlink(t, outside, filepath.Join(r, "link-out"))
	symlink(t, "../shared/real.yaml", filepath.Join(r, "linked", "floe.yaml"))
	symlink(t, filepath.Join(outside, "floe.yaml"), filepath.Join(r, "escapes", "floe.yaml"))
	write(t, filepath.Join(r, "file"), "x\n")
	root, err := config.OSRoot(r)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		dir      string
		want     []string
		warnings []string
		err      string
	}{
		{dir: ".", want: []string{".", "a", "a/nested", "b", "linked"}, warnings: []string{"escapes/floe.yaml: warning: a symlink resolves outside the root; skipped"}},
		{dir: "a", want: []string{"a", "a/nested"}},
		{dir: "./a/../b", want: []string{"b"}},
		{dir: "empty", want: nil},
		{dir: "link-to-a", want: []string{"link-to-a", "link-to-a/nested"}}, // DIR itself may be a link inside root
		{dir: "link-out", err: "outside the root"},
		{dir: "../x", err: "climbs out of the root"},
		{dir: "/etc", err: "is absolute"},
		{dir: "file", err: "not a directory"},
		{dir: "missing", err: "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			got, ws, err := FindProducts(root, tc.dir)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				if code := exitCodeOf(err); code != 2 {
					t.Errorf("exit code %d, want 2", code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("products %q, want %q", got, tc.want)
			}
			var wstr []string
			for _, w := range ws {
				wstr = append(wstr, w.String())
			}
			if !slices.Equal(wstr, tc.warnings) {
				t.Errorf("warnings %q, want %q", wstr, tc.warnings)
			}
		})
	}
}

// TestOutNames: folders are paths relative to DIR; a product in DIR itself takes DIR's
// name; two products on one folder are refused.
func TestOutNames(t *testing.T) {
	root, err := config.OSRoot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir      string
		products []string
		want     []string
		err      string
	}{
		{"products", []string{"products/a", "products/b/c"}, []string{"a", "b/c"}, ""},
		{"products", []string{"products", "products/a"}, []string{"products", "a"}, ""},
		{".", []string{"a", "b"}, []string{"a", "b"}, ""},
		{".", []string{"."}, []string{filepath.Base(root.Dir())}, ""},
		{"team/a", []string{"team/a", "team/a/a"}, nil, "products team/a and team/a/a would both be written to a"},
	}
	for _, tc := range tests {
		got, err := outNames(root, tc.dir, tc.products)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %v: error %v, want %q", tc.dir, tc.products, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s %v: %v %v, want %v", tc.dir, tc.products, got, err, tc.want)
		}
	}
}

// TestBatchExitCode: the batch's exit code is the worst of its failures'.
func TestBatchExitCode(t *testing.T) {
	no, usage, bug := diag.No(errors.New("denied")), diag.Usage(errors.New("bad")), errors.New("bug")
	list := diag.List{{File: "p/floe.yaml", Line: 1, Col: 1, Message: "bad"}}
	tests := []struct {
		errs []error
		want int
	}{
		{[]error{no}, 1},
		{[]error{no, no}, 1},
		{[]error{no, usage}, 2},
		{[]error{list}, 2},
		{[]error{fmt.Errorf("wrapped: %w", list), no}, 2},
		{[]error{no, bug}, 3},
		{[]error{usage, bug, no}, 3},
	}
	for _, tc := range tests {
		e := &BatchError{Total: len(tc.errs)}
		for i, err := range tc.errs {
			e.Failures = append(e.Failures, ProductFailure{Path: fmt.Sprintf("p%d", i), Err: err})
		}
		if got := e.ExitCode(); got != tc.want {
			t.Errorf("%v: exit %d, want %d", tc.errs, got, tc.want)
		}
	}
}

// countingRoot counts the reads that reach the underlying root.
type countingRoot struct {
	config.Root
	reads atomic.Int64
}

func (c *countingRoot) ReadFile(rel string) ([]byte, error) {
	c.reads.Add(1)
	return c.Root.ReadFile(rel)
}

// TestCachedRoot: each file is read once however many callers ask, errors are kept, and
// every caller gets its own copy.
func TestCachedRoot(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.yaml"), "a: 1\n")
	osr, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	cr := &countingRoot{Root: osr}
	c := newCachedRoot(cr)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			b, err := c.ReadFile("a.yaml")
			if err != nil || string(b) != "a: 1\n" {
				t.Errorf("ReadFile = %q, %v", b, err)
			}
			b[0] = 'X' // a caller's copy
		})
	}
	wg.Wait()
	if n := cr.reads.Load(); n != 1 {
		t.Errorf("%d reads reached the root, want 1", n)
	}
	if _, err := c.ReadFile("../escape"); err == nil || !errors.Is(err, config.ErrOutsideRoot) {
		t.Errorf("escape: %v", err)
	}
	if _, err := c.ReadFile("missing.yaml"); err == nil {
		t.Error("missing file read")
	}
	if _, err := c.ReadFile("missing.yaml"); err == nil {
		t.Error("missing file read (cached)")
	}
	if n := cr.reads.Load(); n != 3 {
		t.Errorf("%d reads reached the root, want 3 (one per distinct path)", n)
	}
	if newCachedRoot(c) != c {
		t.Error("a cached root is wrapped twice")
	}
}

// TestChartValues: the values ChartValues returns, rendered by the same engine path,
// give the chart output Render starts from (same objects before floe's filters).
func TestChartValues(t *testing.T) {
	dir := batchRoot(t)
	o := batchOptions(t, dir, "").Options
	for _, tc := range []struct{ product, runtime, chart string }{
		{"products/customer-360", "", "floe-dagster"},
		{"products/hello-orders", "floe-jobs", "floe-jobs"},
	} {
		o.ProductPath, o.Runtime = tc.product, tc.runtime
		ci, err := ChartValues(o)
		if err != nil {
			t.Fatal(err)
		}
		if ci.Chart != tc.chart || ci.Namespace != "floe-dev" || ci.Release != path.Base(tc.product) {
			t.Errorf("%s: chart %q release %q namespace %q", tc.product, ci.Chart, ci.Release, ci.Namespace)
		}
		res, err := testBatchEngine(t).Render(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		img, _ := ci.Values["image"].(map[string]any)
		if got := fmt.Sprintf("%v:%v", img["repository"], img["tag"]); got != res.Image {
			t.Errorf("%s: values image %s, render image %s", tc.product, got, res.Image)
		}
		env, _ := ci.Values["env"].([]any)
		for _, e := range env {
			name := e.(map[string]any)["name"].(string)
			if !bytes.Contains(res.YAML, []byte("name: "+name+"\n")) {
				t.Errorf("%s: env %s of the values is not in the render", tc.product, name)
			}
		}
		if len(env) == 0 {
			t.Errorf("%s: no env in the values", tc.product)
		}
	}
	if _, err := ChartValues(Options{}); exitCodeOf(err) != 2 {
		t.Errorf("no root: %v", err)
	}
}

// TestPendingGate: Check waits for the background compile, reports its error, and gives
// up when the context ends first.
func TestPendingGate(t *testing.T) {
	failed := &pendingGate{done: make(chan struct{}), err: errors.New("compiling policies: boom")}
	close(failed.done)
	if _, err := failed.Check(context.Background(), GateInput{}); err == nil || err.Error() != "compiling policies: boom" {
		t.Errorf("failed compile: %v", err)
	}
	stuck := &pendingGate{done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := stuck.Check(ctx, GateInput{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
	// the real one: a render through a fresh engine is judged by the compiled policies
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := eng.gate.(*pendingGate); !ok {
		t.Fatalf("NewEngine's gate is %T", eng.gate)
	}
	o := batchOptions(t, batchRoot(t), "").Options
	o.ProductPath = "products/customer-360"
	res, err := eng.Render(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Evidence == nil || res.Evidence.Policy == nil || res.Evidence.Policy.Level == "" {
		t.Errorf("render not judged by the policy gate: %+v", res.Evidence)
	}
}

// TestSplitStream: the canonical stream is cut at "---" lines only.
func TestSplitStream(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a: 1\n", []string{"a: 1\n"}},
		{"a: 1\n---\nb: 2\n", []string{"a: 1\n", "b: 2\n"}},
		{"a: |\n  ---\n  x\n---\nb: '---'\n", []string{"a: |\n  ---\n  x\n", "b: '---'\n"}},
		{"a: 1\n---\nb: 2\n---\nc: 3\n", []string{"a: 1\n", "b: 2\n", "c: 3\n"}},
	}
	for _, tc := range tests {
		var got []string
		for _, d := range splitStream([]byte(tc.in)) {
			got = append(got, string(d))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("splitStream(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestWriteObjectsFallback: when the stream does not cut into one document per object,
// every object is emitted on its own — the files are the same.
func TestWriteObjectsFallback(t *testing.T) {
	o := batchOptions(t, batchRoot(t), "").Options
	o.ProductPath = "products/hello-orders"
	res, err := testBatchEngine(t).Render(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	cut, emitted := filepath.Join(t.TempDir(), "cut"), filepath.Join(t.TempDir(), "emitted")
	write := func(dir string, res *Result) {
		stage, err := atomicwrite.StageDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeObjects(stage, "p", res); err != nil {
			t.Fatal(err)
		}
		if err := stage.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	write(cut, res)
	broken := *res
	broken.YAML = bytes.ReplaceAll(res.YAML, []byte("\n---\n"), []byte("\n"))
	write(emitted, &broken)
	a, _ := tree(t, cut)
	b, _ := tree(t, emitted)
	if a != b || strings.Count(a, "\n") != len(res.Objects) {
		t.Errorf("cut and emitted files differ:\n%s", golden.Diff(b, a))
	}
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

// FuzzSplitStream: the documents joined by "---" lines give the stream back, and no
// document holds a "---" line of its own.
func FuzzSplitStream(f *testing.F) {
	for _, s := range []string{"", "a: 1\n", "a: 1\n---\nb: 2\n", "---\n", "\n---\n---\n", "a: |\n  ---\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		docs := splitStream(in)
		if len(in) == 0 {
			if docs != nil {
				t.Fatalf("empty stream gave %q", docs)
			}
			return
		}
		var joined []byte
		for i, d := range docs {
			if i > 0 {
				joined = append(joined, "---\n"...)
			}
			if i < len(docs)-1 && bytes.Contains(d, []byte("\n---\n")) {
				t.Fatalf("document %d holds a separator: %q", i, d)
			}
			joined = append(joined, d...)
		}
		if !bytes.Equal(joined, in) {
			t.Fatalf("split %q, joined back %q", in, joined)
		}
	})
}
