package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/atomicwrite"
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
signs one statement over every product's objects and reads (not with --format json or
--check): on stdout the subjects are the objects and the whole stream; with -o OUTDIR they
are the files, each named by its path under OUTDIR (floe verify --attestation FILE --key
PUB OUTDIR checks them). The attestation is written after the manifests, and not at all
if anything fails.`

// runRenderAll is `floe render --all DIR`.
func runRenderAll(cmd *cobra.Command, s *streams, o *renderOptions) error {
	if err := o.checkCommon("render --all"); err != nil {
		return err
	}
	if o.evidence != "" {
		return diag.Usage(errors.New("render --all: --evidence works on one PRODUCT"))
	}
	if err := checkAttestFlags("render --all", o.attest, o.signingKey, outDir(o.output)); err != nil {
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
	if o.attest != "" && o.check != "" {
		return diag.Usage(errors.New("render --all: --check compares and writes nothing; it cannot be combined with --attest"))
	}
	opts.Provenance = o.attest != ""
	// The attestation is signed and staged before anything is written (for -o, once
	// every file is staged and before OUTDIR is renamed into place) and committed last,
	// so a failure to sign writes neither (D-EVD-06, D-EVD-08).
	var attestation *atomicwrite.File
	defer func() {
		if attestation != nil {
			attestation.Abort() // a no-op once committed
		}
	}()
	stageAttest := func(res *render.BatchResult) error {
		st, err := res.Statement(opts, builderVersion(), opts.Now)
		if err != nil {
			return err
		}
		attestation, err = signAndStage("render --all", o.attest, o.signingKey, st, os.Getenv)
		return err
	}
	if o.attest != "" && opts.OutDir != "" {
		opts.BeforeCommit = stageAttest
	}
	res, err := render.Batch(cmd.Context(), opts)
	if err != nil {
		return err
	}
	if o.attest != "" && opts.OutDir == "" {
		if err := stageAttest(res); err != nil {
			return err
		}
	}
	if attestation != nil {
		if err := attestation.Commit(); err != nil {
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
