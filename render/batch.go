package render

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
	// folder per product is written under OutDir, all or nothing (checkBatchReplaceable rules).
	OutDir string
	// JSON makes the stream one v1 List of every product's objects (OutDir "" only).
	JSON bool
	// Files returns the tree OutDir would hold in BatchResult.Files (sorted by path)
	// instead of a stream, writing nothing (`render --all --check`); OutDir "" only.
	Files bool
	// Jobs is the number of products rendered at once; 0 = GOMAXPROCS.
	Jobs int
	// BeforeCommit, when set with OutDir, is called with the batch's result once every
	// product is written to the staging directory and before it is renamed to OutDir;
	// an error leaves OutDir as it was (`render --all -o --attest` signs here).
	BeforeCommit func(*BatchResult) error
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
	if opts.Files && (opts.OutDir != "" || opts.JSON) {
		return nil, diag.Usage(errors.New("render --all: --check compares YAML files and writes nothing; it cannot be combined with --output DIR or --format json"))
	}
	if opts.Provenance && opts.JSON {
		return nil, diag.Usage(errors.New("render --all: --attest attests the YAML stream or the files of --output DIR; it cannot be combined with --format json"))
	}
	found, err := findBatch("render --all", opts.Options, opts.Dir)
	if err != nil {
		return nil, err
	}
	dir, products, warnings, base := found.dir, found.products, found.warnings, found.base
	outs, err := outNames(base.Root, dir, products)
	if err != nil {
		return nil, err
	}
	if opts.OutDir != "" {
		if err := checkBatchReplaceable(opts.OutDir); err != nil {
			return nil, diag.Usage(fmt.Errorf("render --all: --output: %w", err))
		}
	}

	var stage *atomicwrite.Dir // the staging directory, renamed to OutDir at the end
	if opts.OutDir != "" {
		if stage, err = atomicwrite.StageDir(opts.OutDir); err != nil {
			return nil, diag.Usage(fmt.Errorf("render --all: --output: %w", err))
		}
		defer stage.Abort() // a no-op once committed
	}

	results, err := e.renderEach(ctx, base, products, opts.Jobs, func(i int, res *Result, d *productRender) error {
		var files []OutFile
		if stage != nil || opts.Files {
			var err error
			if files, err = objectFiles(outs[i], res); err != nil {
				return err
			}
		}
		if res.Provenance != nil {
			a, err := res.attested(products[i])
			if err != nil {
				return err
			}
			if files != nil { // the subjects are the files (D-EVD-08)
				a.Subjects = fileSubjects(files, res.Objects)
			}
			d.attested = a
		}
		switch {
		case stage != nil:
			for _, f := range files {
				if err := stage.Write(f.Path, f.Data); err != nil {
					return diag.Usage(err)
				}
			}
		case opts.Files:
			d.files = files
		case opts.JSON:
			d.objects = res.Objects
		default:
			d.stream = res.YAML
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	out, batchErr := report(products, outs, warnings, results)
	if batchErr != nil {
		return nil, batchErr
	}
	if opts.Provenance {
		for _, d := range results {
			out.Attested = append(out.Attested, *d.attested)
		}
	}
	switch {
	case stage != nil:
		if opts.BeforeCommit != nil {
			if err := opts.BeforeCommit(out); err != nil {
				return nil, err
			}
		}
		if err := stage.Commit(); err != nil {
			return nil, diag.Usage(fmt.Errorf("render --all: --output: %w", err))
		}
	case opts.Files:
		for _, d := range results {
			out.Files = append(out.Files, d.files...)
		}
		slices.SortFunc(out.Files, func(a, b OutFile) int { return strings.Compare(a.Path, b.Path) })
	case opts.JSON:
		if out.Stream, err = listStream(results); err != nil {
			return nil, err
		}
	default:
		out.Stream = yamlStream(products, results)
	}
	return out, nil
}

// batchProducts is what a command over every product under a directory starts from.
type batchProducts struct {
	dir      string    // the cleaned root-relative directory
	products []string  // FindProducts' list, sorted, never empty
	warnings diag.List // FindProducts' warnings
	base     Options   // the shared options: a read-through cached root, the image tag resolved once
}

// findBatch lists the products under dir (FindProducts) and makes the options every one
// of them is rendered with: the root wrapped in a read-through cache (the contract, the
// Manifest and every other shared file read from disk once) and the image tag resolved
// once. command ("render --all", "workspace --all") names the caller in errors.
func findBatch(command string, opts Options, dir string) (*batchProducts, error) {
	dir, err := config.CleanRel(dir)
	if err != nil {
		return nil, diag.Usage(fmt.Errorf("%s %s: %w", command, dir, err))
	}
	root := newCachedRoot(opts.Root)
	products, warnings, err := FindProducts(root, command, dir)
	if err != nil {
		return nil, err
	}
	if c, ds := config.LoadContract(root, opts.ContractPath); !ds.HasErrors() {
		warnings = config.SilenceWarnings(c, warnings) // D-CLI-05; a bad contract fails each product
	}
	if len(products) == 0 {
		return nil, diag.Usage(fmt.Errorf("%s %s: no floe.yaml found", command, dir))
	}
	base := opts
	base.Root = root
	if base.ImageTag, err = base.imageTag(); err != nil { // once, not per product
		return nil, err
	}
	return &batchProducts{dir: dir, products: products, warnings: warnings, base: base}, nil
}
