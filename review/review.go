package review

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/diff"
	"github.com/floe-dev/floe/render"
)

// Options select a review.
type Options struct {
	// Base and Head are the two sides: the old and the new tree of the same repository
	// root (each wrapped in a read-through cache here).
	Base, Head         config.Root
	BaseName, HeadName string // for the report: "main (commit 0123456789ab)", "work tree"
	// Dir is the root-relative directory searched for floe.yaml on both sides.
	Dir string
	// ContractPath is root-relative; each side reads its own version of it.
	ContractPath string
	// Runtime, ImageTag, Now and FloeVersion are the render options both sides share
	// (ImageTag is required: a review compares inputs, not commits).
	Runtime, ImageTag, FloeVersion string
	Now                            time.Time
	// Jobs is the number of products probed or rendered at once; 0 = GOMAXPROCS.
	Jobs int
	// ExpiryWindow lists the head contract's exceptions that expire within it.
	ExpiryWindow time.Duration
	// Gate is the policy gate of both sides; nil = render.NewPolicyGate.
	Gate render.Gate
}

// Result is a review: the report, and the head side's warnings (policy findings left
// out: the report's policy delta holds them).
type Result struct {
	Report   *diff.Report
	Warnings diag.List
}

// product is one product's way through a review.
type product struct {
	path       string
	onBase     bool
	onHead     bool
	cause      string // the first changed input; "" = unaffected (when on both sides)
	render     bool
	base, head side
	err        error
}

// side is one render of a product.
type side struct {
	yaml     []byte
	runtime  string
	verdict  *render.PolicyReport
	warnings diag.List
}

// Run reviews every product under opts.Dir between opts.Base and opts.Head. A product
// that fails to render at the head (invalid input, not a policy denial), or at the
// base when the head has no such product, fails the review with a *render.BatchError
// naming every such product; one that fails only at the base is compared with nothing
// (every object added), its cause "(the base does not render)".
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.ImageTag == "" {
		return nil, diag.Usage(errors.New("diff --all: no image tag"))
	}
	dir, err := config.CleanRel(opts.Dir)
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("diff --all %s: %w", opts.Dir, err))
	}
	baseRoot, headRoot := render.NewCachedRoot(opts.Base), render.NewCachedRoot(opts.Head)
	products, warnings, err := discover(baseRoot, headRoot, dir)
	if err != nil {
		return nil, err
	}
	gate := opts.Gate
	if gate == nil {
		pg, err := render.NewPolicyGate(ctx)
		if err != nil {
			return nil, err
		}
		gate = pg
	}
	engine, err := render.NewEngine(render.WithGate(verdictGate{inner: gate}))
	if err != nil {
		return nil, err
	}
	common := render.Options{ContractPath: opts.ContractPath, Runtime: opts.Runtime, ImageTag: opts.ImageTag,
		Now: opts.Now, FloeVersion: opts.FloeVersion}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}

	// Which products can change: those on one side only, and those whose read set the
	// head answers otherwise.
	if err := each(ctx, jobs, products, func(p *product) {
		switch {
		case !p.onBase || !p.onHead:
			p.render = true
		default:
			o := common
			o.Root, o.ProductPath = baseRoot, p.path
			set, err := render.ProductReadSet(ctx, o)
			if err != nil { // no complete read set at the base: render both sides
				p.render, p.cause = true, "(the base does not load)"
				return
			}
			if r, changed := set.FirstChange(headRoot); changed {
				p.render, p.cause = true, r.Path
			}
		}
	}); err != nil {
		return nil, err
	}

	// Both sides of each of them, in parallel.
	if err := each(ctx, jobs, products, func(p *product) {
		if !p.render {
			return
		}
		if p.onBase {
			var err error
			if p.base, err = renderSide(ctx, engine, common, baseRoot, p.path); err != nil {
				if !p.onHead {
					p.err = fmt.Errorf("at %s: %w", opts.BaseName, err)
					return
				}
				// A change that repairs a product is reviewed against nothing.
				p.cause = "(the base does not render)"
			}
		}
		if p.onHead {
			p.head, p.err = renderSide(ctx, engine, common, headRoot, p.path)
		}
	}); err != nil {
		return nil, err
	}

	var failed []render.ProductFailure
	rep := &diff.Report{Dir: dir, Base: opts.BaseName, Head: opts.HeadName, ExpiryWindowDays: int(opts.ExpiryWindow.Hours() / 24)}
	rep.Summary.Products = len(products)
	for _, p := range products {
		warnings = append(warnings, p.head.warnings...)
		if p.err != nil {
			failed = append(failed, render.ProductFailure{Path: p.path, Err: p.err})
			continue
		}
		if !p.render {
			rep.Summary.Unaffected++
			continue
		}
		pr, err := compare(p, opts)
		if err != nil {
			return nil, err
		}
		if pr == nil {
			rep.Summary.SameRender++
			continue
		}
		rep.Products = append(rep.Products, *pr)
		switch pr.Change {
		case diff.Added:
			rep.Summary.Added++
		case diff.Removed:
			rep.Summary.Removed++
		default:
			rep.Summary.Changed++
		}
	}
	warnings = warnings.SortedUnique()
	if failed != nil {
		return nil, &render.BatchError{Failures: failed, Total: len(products), Warnings: warnings, Command: "diff --all"}
	}
	rep.Summary.Differ = len(rep.Products)
	if opts.ExpiryWindow > 0 {
		if c, ds := config.LoadContract(headRoot, opts.ContractPath); !ds.HasErrors() {
			rep.Expiring = expiring(c, opts.Now, opts.ExpiryWindow)
		}
	}
	return &Result{Report: rep, Warnings: warnings}, nil
}

// discover lists the products under dir on both sides, sorted by path.
func discover(base, head config.Root, dir string) ([]*product, diag.List, error) {
	var baseList []string
	if isDir, err := base.Stat(dir); err == nil && isDir {
		var err error
		if baseList, _, err = render.FindProducts(base, "diff --all", dir); err != nil {
			return nil, nil, fmt.Errorf("at the base: %w", err)
		}
	}
	headList, warnings, err := render.FindProducts(head, "diff --all", dir)
	if err != nil {
		return nil, nil, err
	}
	byPath := map[string]*product{}
	for _, p := range baseList {
		byPath[p] = &product{path: p, onBase: true}
	}
	for _, p := range headList {
		if byPath[p] == nil {
			byPath[p] = &product{path: p}
		}
		byPath[p].onHead = true
	}
	if len(byPath) == 0 {
		return nil, nil, diag.Usage(fmt.Errorf("diff --all %s: no floe.yaml found on either side", dir))
	}
	out := make([]*product, 0, len(byPath))
	for _, p := range byPath {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *product) int { return strings.Compare(a.path, b.path) })
	return out, warnings, nil
}

// each runs f on every product, jobs at a time; cancelling ctx stops starting more and
// is its only error.
func each(ctx context.Context, jobs int, products []*product, f func(*product)) error {
	var g errgroup.Group
	g.SetLimit(max(1, min(jobs, len(products))))
	for _, p := range products {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error { f(p); return nil })
	}
	_ = g.Wait()
	return ctx.Err()
}

// renderSide renders one product on one side and keeps its verdict.
func renderSide(ctx context.Context, e *render.Engine, common render.Options, root config.Root, path string) (side, error) {
	o := common
	o.Root, o.ProductPath = root, path
	slot := &verdictSlot{}
	res, err := e.Render(withVerdictSlot(ctx, slot), o)
	if err != nil {
		return side{}, err
	}
	var warnings diag.List
	for _, w := range res.Warnings {
		if w.File != renderedStream { // policy findings: the report's delta shows them
			warnings = append(warnings, w)
		}
	}
	return side{yaml: res.YAML, runtime: res.Runtime, verdict: slot.report, warnings: warnings}, nil
}

// renderedStream is how findings name the rendered output.
const renderedStream = "(rendered)"
