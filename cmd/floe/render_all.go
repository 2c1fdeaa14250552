package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/render"
)

// renderAllHelp is the --all paragraph of `floe render --help`.
const renderAllHelp = `floe render --all DIR --contract FILE [-o OUTDIR] renders every floe.yaml under DIR
(hidden directories skipped, symlinked directories not followed) against one contract,
in parallel (GOMAXPROCS at a time), with the charts, the policies, the contract and the
Manifest loaded once. -o OUTDIR writes OUTDIR/<product dir relative to DIR>/NN-kind-name.yaml
(a floe.yaml in DIR itself goes to OUTDIR/<DIR's name>), all products or nothing: the
tree is staged next to OUTDIR and renamed into place at the end. Without -o, stdout gets
every product's stream in path order, each introduced by "# floe product: PATH" and
separated by "---" (--format json: one v1 List of every object). If any product fails,
every failure is reported (sorted by path), nothing is written, and the exit code is the
worst one (1 policy denied, 2 invalid input). --check OUTDIR renders the tree -o OUTDIR
would write and compares it with the committed OUTDIR, file by file, writing nothing:
exit 0 when identical, 1 listing every stale, missing and extra file (a stale file with
its object diff), 2 on error. --evidence is single-product. --attest FILE --signing-key KEY
attests the whole stdout stream (not with -o, --format json or --check): every product's
objects and reads in one signed statement.`

// runRenderAll is `floe render --all DIR`.
func runRenderAll(cmd *cobra.Command, s *streams, o *renderOptions) error {
	if err := o.checkCommon("render --all"); err != nil {
		return err
	}
	if o.evidence != "" {
		return diag.Usage(errors.New("render --all: --evidence works on one PRODUCT"))
	}
	if err := checkAttestFlags("render --all", o.attest, o.signingKey); err != nil {
		return err
	}
	if o.check != "" && (o.output != "-" || o.format == "json") {
		return diag.Usage(errors.New("render --all: --check OUTDIR compares the tree -o OUTDIR would write and writes nothing; it cannot be combined with --output or --format json"))
	}
	in, err := resolveRenderInputs("render", o.root, "--all", o.all, o.contract, o.imageTag)
	if err != nil {
		return err
	}
	opts := render.BatchOptions{Options: in.options(o.runtime), Dir: in.target, JSON: o.format == "json"}
	opts.Now = renderTime(os.Getenv)
	if o.output != "-" {
		opts.OutDir = o.output
	}
	opts.Files = o.check != ""
	opts.Provenance = o.attest != ""
	res, err := render.Batch(cmd.Context(), opts)
	if err != nil {
		return err
	}
	if o.attest != "" {
		st, err := res.Statement(opts, builderVersion(), opts.Now)
		if err != nil {
			return err
		}
		f, err := signAndStage("render --all", o.attest, o.signingKey, st, os.Getenv)
		if err != nil {
			return err
		}
		defer f.Abort()
		if err := f.Commit(); err != nil {
			return diag.Usage(fmt.Errorf("render --all: --attest: %w", err))
		}
	}
	for _, w := range res.Warnings {
		s.warn(w.String())
	}
	if o.check != "" {
		return checkRenderTree(s, o.check, res.Files)
	}
	s.Out.Write(res.Stream)
	return nil
}
