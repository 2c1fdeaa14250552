package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/atomicwrite"
)

// BatchOptions select a batch render (`floe render --all DIR`): every floe.yaml under Dir
// rendered against one contract, by one Engine (charts parsed and policies compiled once).
type BatchOptions struct {
	// Options are shared by every product (Root, ContractPath, Runtime, ImageTag,
	// Enforcement, Annotations, Now, FloeVersion); ProductPath is ignored. ImageTag is
	// resolved once (ResolveImageTag) when empty.
	Options
	// Dir is the root-relative directory searched for floe.yaml files (FindProducts).
	Dir string
	// OutDir "" returns the products as one stream in BatchResult.Stream; otherwise one
	// folder per product is written under OutDir, all or nothing (WriteBatchDir rules).
	OutDir string
	// JSON makes the stream one v1 List of every product's objects (OutDir "" only).
	JSON bool
	// Jobs is the number of products rendered at once; 0 = GOMAXPROCS.
	Jobs int
}

// BatchProduct is one product of a batch.
type BatchProduct struct {
	Path    string // root-relative directory holding floe.yaml
	Out     string // its folder under OutDir: Path relative to Dir (Dir's own name for Dir itself)
	Objects int    // number of objects rendered
}

// BatchResult is a successful batch.
type BatchResult struct {
	Products []BatchProduct // sorted by Path
	// Stream is the stdout form when OutDir is "": for YAML, each product's canonical
	// stream in Path order, introduced by a "# floe product: PATH" comment and separated
	// by "---"; for JSON, one v1 List of every object in the same order.
	Stream []byte
	// Warnings are every product's warnings, sorted, each once (the contract's and the
	// Manifest's are shared by all products).
	Warnings diag.List
}

// BatchError is a failed batch: every product that failed, sorted by path. Nothing was
// written. Its exit code is the highest of the failures' (1 denied < 2 invalid < 3 bug).
type BatchError struct {
	Failures []ProductFailure
	Total    int       // products in the batch
	Warnings diag.List // every product's warnings, sorted, each once
}

// ProductFailure is one product's failure.
type ProductFailure struct {
	Path string // root-relative product directory
	Err  error
}

// Error lists the warnings once, then each failure in path order — located diagnostics
// as they are (they name the product's files), anything else after the product's path —
// then a summary line naming the failed products.
func (e *BatchError) Error() string {
	var b strings.Builder
	for _, w := range e.Warnings {
		b.WriteString(w.String())
		b.WriteByte('\n')
	}
	names := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		names[i] = f.Path
		var ds diag.List
		if errors.As(f.Err, &ds) && f.Err.Error() == ds.Error() {
			for _, d := range ds.Errors() {
				b.WriteString(d.String())
				b.WriteByte('\n')
			}
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", f.Path, f.Err.Error())
	}
	fmt.Fprintf(&b, "render --all: %d of %d product(s) failed, nothing written: %s", len(e.Failures), e.Total, strings.Join(names, ", "))
	return b.String()
}

// ExitCode implements diag.ExitCode.
func (e *BatchError) ExitCode() int {
	code := 1
	for _, f := range e.Failures {
		c := 3
		var ec diag.ExitCode
		if errors.As(f.Err, &ec) {
			c = ec.ExitCode()
		}
		code = max(code, c)
	}
	return code
}

// Batch renders every product under opts.Dir with the process-wide Engine (see Render).
func Batch(ctx context.Context, opts BatchOptions) (*BatchResult, error) {
	e, err := processEngine()
	if err != nil {
		return nil, err
	}
	return e.Batch(ctx, opts)
}

// Batch renders every product FindProducts lists under opts.Dir against one contract,
// opts.Jobs at a time. The contract, the Manifest and every other shared file are read
// from disk once (a read-through cache over opts.Root). A failure in any product fails
// the batch with a *BatchError naming every failed product, and nothing is written.
// With opts.OutDir, each product's objects are written like WriteDir writes them, into
// OutDir/<BatchProduct.Out>/, the whole tree staged next to OutDir and renamed into place
// at the end; an existing OutDir is replaced only if it holds nothing but such folders
// and files.
func (e *Engine) Batch(ctx context.Context, opts BatchOptions) (*BatchResult, error) {
	if opts.Root == nil {
		return nil, diag.Usage(errors.New("render --all: no root"))
	}
	if opts.ContractPath == "" {
		return nil, diag.Usage(errors.New("render --all: --contract is required"))
	}
	if opts.JSON && opts.OutDir != "" {
		return nil, diag.Usage(errors.New("render --all: --output DIR writes YAML files; --format json is for stdout"))
	}
	dir, err := config.CleanRel(opts.Dir)
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("render --all %s: %w", opts.Dir, err))
	}
	root := newCachedRoot(opts.Root)
	products, warnings, err := FindProducts(root, dir)
	if err != nil {
		return nil, err
	}
	if len(products) == 0 {
		return nil, diag.Usage(fmt.Errorf("render --all %s: no floe.yaml found", dir))
	}
	outs, err := outNames(root, dir, products)
	if err != nil {
		return nil, err
	}
	if opts.OutDir != "" {
		if err := checkBatchReplaceable(opts.OutDir); err != nil {
			return nil, diag.Usage(fmt.Errorf("render --all: --output: %w", err))
		}
	}
	base := opts.Options
	base.Root = root
	if base.ImageTag == "" {
		if base.ImageTag, err = ResolveImageTag(root, "", os.Getenv); err != nil {
			return nil, err
		}
	}

	var stage *atomicwrite.Dir // the staging directory, renamed to OutDir at the end
	if opts.OutDir != "" {
		if stage, err = atomicwrite.StageDir(opts.OutDir); err != nil {
			return nil, diag.Usage(fmt.Errorf("render --all: --output: %w", err))
		}
		defer stage.Abort() // a no-op once committed
	}

	type done struct {
		warnings diag.List
		objects  []*yaml.RNode // stdout form only
		stream   []byte        // stdout form only
		count    int
		err      error
	}
	results := make([]done, len(products))
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	jobs = min(jobs, len(products))
	next := make(chan int)
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for i := range next {
				o := base
				o.ProductPath = products[i]
				res, err := e.Render(ctx, o)
				if err != nil {
					results[i].err = err
					continue
				}
				d := &results[i]
				d.warnings, d.count = res.Warnings, len(res.Objects)
				switch {
				case stage != nil:
					if err := writeObjects(stage, outs[i], res); err != nil {
						d.err = diag.Usage(err)
					}
				case opts.JSON:
					d.objects = res.Objects
				default:
					d.stream = res.YAML
				}
			}
		})
	}
feed:
	for i := range products {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	out := &BatchResult{Products: make([]BatchProduct, len(products))}
	var failed []ProductFailure
	all := append(diag.List(nil), warnings...)
	for i, d := range results {
		out.Products[i] = BatchProduct{Path: products[i], Out: outs[i], Objects: d.count}
		if d.err != nil {
			failed = append(failed, ProductFailure{Path: products[i], Err: d.err})
			var ds diag.List
			if errors.As(d.err, &ds) {
				all = append(all, ds.Warnings()...)
			}
			continue
		}
		all = append(all, d.warnings...)
	}
	if failed != nil {
		return nil, &BatchError{Failures: failed, Total: len(products), Warnings: uniqueSorted(all)}
	}
	out.Warnings = uniqueSorted(all)

	switch {
	case stage != nil:
		if err := stage.Commit(); err != nil {
			return nil, diag.Usage(fmt.Errorf("render --all: --output: %w", err))
		}
	case opts.JSON:
		var objs []*yaml.RNode
		for _, d := range results {
			objs = append(objs, d.objects...)
		}
		if out.Stream, err = ListJSON(objs); err != nil {
			return nil, err
		}
	default:
		var b strings.Builder
		for i, d := range results {
			if i > 0 {
				b.WriteString("---\n")
			}
			fmt.Fprintf(&b, "# floe product: %s\n", products[i])
			b.Write(d.stream)
		}
		out.Stream = []byte(b.String())
	}
	return out, nil
}

// FindProducts lists the root-relative directories under dir (dir included) that hold a
// floe.yaml, sorted. Hidden entries (names starting with ".") are skipped, symlinked
// directories are not followed (every product is found once, under its real path, and a
// cycle cannot occur), and a floe.yaml that is a symlink is taken only when it resolves
// inside the root — otherwise it is skipped with a warning.
func FindProducts(root config.Root, dir string) ([]string, diag.List, error) {
	dir, err := config.CleanRel(dir)
	if err != nil {
		return nil, nil, diag.Usage(fmt.Errorf("render --all %s: %w", dir, err))
	}
	isDir, err := root.Stat(dir)
	if err != nil {
		return nil, nil, diag.Usage(fmt.Errorf("render --all: %w", err))
	}
	if !isDir {
		return nil, nil, diag.Usage(fmt.Errorf("render --all %s: not a directory", dir))
	}
	var found []string
	var warnings diag.List
	var walk func(rel string) error
	walk = func(rel string) error {
		ents, err := listDir(root, rel)
		if err != nil {
			return fmt.Errorf("render --all: %s: %w", rel, err)
		}
		for _, e := range ents {
			if strings.HasPrefix(e.name, ".") {
				continue
			}
			child := path.Join(rel, e.name)
			switch {
			case e.name == "floe.yaml":
				if e.symlink {
					isDir, err := root.Stat(child)
					if err != nil || isDir {
						msg := "a symlink that does not resolve to a file inside the root; skipped"
						if err != nil {
							msg = strings.TrimPrefix(err.Error(), child+": ") + "; skipped"
						}
						warnings = append(warnings, diag.Diagnostic{File: child, Message: msg, Severity: diag.Warning})
						continue
					}
				} else if e.dir {
					continue
				}
				found = append(found, rel)
			case e.dir && !e.symlink:
				if err := walk(child); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(dir); err != nil {
		return nil, nil, diag.Usage(err)
	}
	sort.Strings(found)
	return found, warnings, nil
}

// dirEntry is one directory entry as the walk sees it.
type dirEntry struct {
	name         string
	dir, symlink bool
}

// listDir lists a root-relative directory. Over a directory tree on disk the entry types
// come from the directory itself (no Stat per entry; symlinks are reported as such);
// over any other Root every entry is Stat'ed through the root.
func listDir(root config.Root, rel string) ([]dirEntry, error) {
	if base := root.Dir(); base != "" {
		ents, err := os.ReadDir(filepath.Join(base, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		out := make([]dirEntry, len(ents))
		for i, e := range ents {
			out[i] = dirEntry{name: e.Name(), dir: e.IsDir(), symlink: e.Type()&fs.ModeSymlink != 0}
		}
		return out, nil // os.ReadDir sorts by name
	}
	names, err := root.ReadDir(rel)
	if err != nil {
		return nil, err
	}
	out := make([]dirEntry, 0, len(names))
	for _, n := range names {
		isDir, err := root.Stat(path.Join(rel, n))
		if err != nil {
			continue // leaves the root or vanished: not a product
		}
		out = append(out, dirEntry{name: n, dir: isDir})
	}
	return out, nil
}

// outNames are the products' folders under OutDir: the path relative to dir, or, for a
// floe.yaml directly in dir, dir's own name. Two products may not share a folder.
func outNames(root config.Root, dir string, products []string) ([]string, error) {
	self := path.Base(dir)
	if dir == "." {
		self = filepath.Base(root.Dir())
		if root.Dir() == "" || self == string(filepath.Separator) || self == "." {
			self = "product"
		}
	}
	outs := make([]string, len(products))
	seen := map[string]string{}
	for i, p := range products {
		o := self
		if p != dir {
			o = strings.TrimPrefix(p, dir+"/")
			if dir == "." {
				o = p
			}
		}
		if prev, dup := seen[o]; dup {
			return nil, diag.Usage(fmt.Errorf("render --all: products %s and %s would both be written to %s; render them separately", prev, p, o))
		}
		seen[o] = p
		outs[i] = o
	}
	return outs, nil
}

// writeObjects writes one file per object into the staged directory's subdirectory dir
// (slash-separated) with WriteDir's names and bytes.
// The bytes are cut from the render's canonical stream rather than emitted again: the
// stream is the objects' documents, each encoded on its own, joined by "---" lines
// (kustomize.EmitStream), and a line "---" at column 0 occurs nowhere else in
// yaml.v3's output. Should the cut not give one document per object, each object is
// emitted on its own as WriteDir does.
func writeObjects(stage *atomicwrite.Dir, dir string, res *Result) error {
	docs := splitStream(res.YAML)
	if len(docs) != len(res.Objects) {
		docs = nil
	}
	names := FileNames(res.Objects)
	for i, o := range res.Objects {
		var b []byte
		if docs != nil {
			b = docs[i]
		} else {
			var err error
			if b, err = emitOne(o); err != nil {
				return err
			}
		}
		if err := stage.Write(path.Join(dir, names[i]), b); err != nil {
			return err
		}
	}
	return nil
}

// splitStream cuts a canonical stream into its documents at the "---" lines.
func splitStream(stream []byte) [][]byte {
	if len(stream) == 0 {
		return nil
	}
	var docs [][]byte
	for {
		i := bytes.Index(stream, []byte("\n---\n"))
		if i < 0 {
			return append(docs, stream)
		}
		docs = append(docs, stream[:i+1])
		stream = stream[i+5:]
	}
}

// checkBatchReplaceable refuses an OutDir that exists and holds anything but directories
// and files named like WriteDir's, at any depth (so `--all … -o .` cannot wipe a tree).
func checkBatchReplaceable(dir string) error {
	dir = filepath.Clean(dir)
	st, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return pathError(dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("output %s exists and is not a directory", dir)
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir || d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() || !reOutputFile.MatchString(d.Name()) {
			rel, _ := filepath.Rel(dir, p)
			return fmt.Errorf("output directory %s holds %s, which floe did not write; refusing to replace it (choose an empty or new directory)", dir, filepath.ToSlash(rel))
		}
		return nil
	})
}

// uniqueSorted sorts a diagnostic list and drops repeats.
func uniqueSorted(l diag.List) diag.List {
	l.Sort()
	out := l[:0]
	for i, d := range l {
		if i > 0 && d == l[i-1] {
			continue
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// cachedRoot is a read-through cache over a Root shared by the renders of one batch:
// the contract, the Manifest (and its parents), overlays and policy bundles are read
// from disk once however many products use them. Results, errors included, are kept for
// the batch's lifetime, so every product sees the same snapshot of the shared files.
type cachedRoot struct {
	config.Root
	files onceMap[[]byte]
	stats onceMap[bool]
	dirs  onceMap[[]string]
}

func newCachedRoot(r config.Root) *cachedRoot {
	if c, ok := r.(*cachedRoot); ok {
		return c
	}
	return &cachedRoot{Root: r}
}

// ReadFile implements config.Root; callers get their own copy of the bytes.
func (c *cachedRoot) ReadFile(rel string) ([]byte, error) {
	b, err := c.files.get(rel, c.Root.ReadFile)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// Stat implements config.Root.
func (c *cachedRoot) Stat(rel string) (bool, error) { return c.stats.get(rel, c.Root.Stat) }

// ReadDir implements config.Root; callers get their own copy of the names.
func (c *cachedRoot) ReadDir(rel string) ([]string, error) {
	names, err := c.dirs.get(rel, c.Root.ReadDir)
	if err != nil {
		return nil, err
	}
	return append([]string(nil), names...), nil
}

// onceMap computes each key's value once, however many goroutines ask at the same time.
type onceMap[V any] struct {
	mu sync.Mutex
	m  map[string]*onceEntry[V]
}

type onceEntry[V any] struct {
	once sync.Once
	v    V
	err  error
}

func (o *onceMap[V]) get(key string, load func(string) (V, error)) (V, error) {
	o.mu.Lock()
	if o.m == nil {
		o.m = map[string]*onceEntry[V]{}
	}
	e, ok := o.m[key]
	if !ok {
		e = &onceEntry[V]{}
		o.m[key] = e
	}
	o.mu.Unlock()
	e.once.Do(func() { e.v, e.err = load(key) })
	return e.v, e.err
}

// ChartInput is what the helm stage of one render gets: the embedded chart, the release
// and the values floe computes.
type ChartInput struct {
	Chart     string // embedded chart name (charts.Dagster or charts.Jobs)
	Release   string // the product name
	Namespace string
	Values    map[string]any
}

// ChartValues runs the load and resolve stages for one product and returns the helm
// stage's input without rendering. bench/ gives these values to `helm template` of the
// same chart, so floe is compared with the pipeline a platform scripts today on the same
// work. (It repeats Render's prologue; keep the two in step.)
func ChartValues(opts Options) (*ChartInput, error) {
	if opts.Root == nil || opts.ContractPath == "" {
		return nil, diag.Usage(errors.New("chart values: a root and a contract are required"))
	}
	in, ds := config.Load(opts.Root, opts.ContractPath, opts.ProductPath)
	if ds.HasErrors() {
		return nil, ds
	}
	runtime := opts.Runtime
	if runtime == "" {
		runtime = in.Contract.Runtime.RecommendedAlphaSpine
	}
	if rs := config.ValidateRuntime(in, runtime); rs.HasErrors() {
		return nil, rs
	}
	tag := opts.ImageTag
	if tag == "" {
		t, err := ResolveImageTag(opts.Root, "", os.Getenv)
		if err != nil {
			return nil, err
		}
		tag = t
	}
	r, err := resolve(in, runtime, tag, opts.Annotations)
	if err != nil {
		return nil, err
	}
	return &ChartInput{Chart: chartName(runtime), Release: r.P, Namespace: r.NS, Values: r.values()}, nil
}

// pendingGate is a PolicyGate compiling in the background. NewEngine starts the compile
// and returns at once, so a fresh process runs its first render's load, helm, filter
// and emit stages on one core while the policies compile on another (the compile is the
// largest single cost of a fresh `floe render`); Check waits for the compile.
type pendingGate struct {
	done chan struct{}
	g    *PolicyGate
	err  error
}

func compileGate() *pendingGate {
	p := &pendingGate{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.g, p.err = NewPolicyGate(context.Background())
	}()
	return p
}

// Check implements Gate: it reads the output back, then waits for the compile.
func (p *pendingGate) Check(ctx context.Context, in GateInput) (*PolicyReport, error) {
	objs, err := gateObjects(in)
	if err != nil {
		return nil, err
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if p.err != nil {
		return nil, p.err
	}
	return p.g.check(ctx, in, objs)
}
