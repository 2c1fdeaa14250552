package render

import (
	"errors"
	"fmt"
	"strings"

	"github.com/floe-dev/floe/diag"
)

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
	// Files is the output tree when BatchOptions.Files is set: every file OutDir would
	// hold, sorted by path.
	Files []OutFile
	// Warnings are every product's warnings, sorted, each once (the contract's and the
	// Manifest's are shared by all products).
	Warnings diag.List
	// Attested is what each product's attestation records, in Path order; set only
	// with Options.Provenance (BatchResult.Statement).
	Attested []AttestedProduct
}

// BatchError is a failed batch: every product that failed, sorted by path. Nothing was
// written. Its exit code is the highest of the failures' (1 denied < 2 invalid < 3 bug).
type BatchError struct {
	// Command names the command in the summary line; "" is "render --all".
	Command  string
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
	command := e.Command
	if command == "" {
		command = "render --all"
	}
	fmt.Fprintf(&b, "%s: %d of %d product(s) failed, nothing written: %s", command, len(e.Failures), e.Total, strings.Join(names, ", "))
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

// report gathers a batch's renders, in products order: the result when every product
// rendered, else a *BatchError naming every failure. Either way the warnings are the
// discovery's and every product's (a failed product's from its diagnostics), sorted,
// each once.
func report(products, outs []string, found diag.List, results []productRender) (*BatchResult, *BatchError) {
	out := &BatchResult{Products: make([]BatchProduct, len(products))}
	var failed []ProductFailure
	all := append(diag.List(nil), found...)
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
		return nil, &BatchError{Failures: failed, Total: len(products), Warnings: all.SortedUnique()}
	}
	out.Warnings = all.SortedUnique()
	return out, nil
}
