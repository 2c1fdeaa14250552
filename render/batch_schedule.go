package render

import (
	"context"
	"runtime"

	"golang.org/x/sync/errgroup"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/diag"
)

// productRender is what one product of a batch left behind: its warnings and object
// count, what the output form keeps of it (objects for JSON, the stream for YAML; nothing
// when the objects went to the staging directory), or its failure.
type productRender struct {
	warnings diag.List
	objects  []*yaml.RNode
	stream   []byte
	files    []OutFile
	count    int
	attested *AttestedProduct // Options.Provenance only
	err      error
}

// renderEach renders products[i] (base with ProductPath set) for every i, jobs at a time
// (0 = GOMAXPROCS), and hands each success to keep, which records what the output form
// needs in the product's productRender or returns the product's failure. A product's
// failure does not stop the others: every failure is collected. Cancelling ctx stops
// starting new renders and is the only error renderEach returns.
func (e *Engine) renderEach(ctx context.Context, base Options, products []string, jobs int,
	keep func(i int, res *Result, d *productRender) error) ([]productRender, error) {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	results := make([]productRender, len(products))
	var g errgroup.Group
	g.SetLimit(max(1, min(jobs, len(products))))
	for i := range products {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			o := base
			o.ProductPath = products[i]
			res, err := e.Render(ctx, o)
			d := &results[i]
			if err != nil {
				d.err = err
				return nil
			}
			d.warnings, d.count = res.Warnings, len(res.Objects)
			d.err = keep(i, res, d)
			return nil
		})
	}
	_ = g.Wait() // the goroutines report through results, never through the group
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}
