package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/atomicwrite"
	"github.com/floe-dev/floe/internal/output"
	"github.com/floe-dev/floe/render"
)

type renderOptions struct {
	contract, runtime, imageTag, root, output, format, evidence, check string
	attest, signingKey                                                 string // --attest FILE --signing-key KEY (attest.go)
	all                                                                string // --all DIR (render_all.go)
}

// newRenderCmd is `floe render --contract FILE [--runtime dagster|floe-jobs]
// [--image-tag SHA] [--root DIR] [-o|--output -|DIR] [--format yaml|json]
// [--evidence FILE] PRODUCT`.
func newRenderCmd(s *streams) *cobra.Command {
	o := &renderOptions{}
	cmd := &cobra.Command{
		Use:   "render --contract FILE [--runtime dagster|floe-jobs] [--image-tag SHA] [--root DIR] [-o -|DIR] [--format yaml|json] [--check FILE] [--evidence FILE] PRODUCT",
		Short: "Render a data product into Kubernetes manifests",
		Long: `Render loads PRODUCT (a directory holding floe.yaml, or the file), the contract and the
platform Manifest the contract names, and writes the product's Kubernetes objects for the
Dagster or the floe-jobs runtime, with OpenTelemetry and OpenLineage wired into every
workload. Output is canonical (sorted kinds, keys and names) and byte-for-byte reproducible.

--output - (default) writes one YAML stream (or, with --format json, a v1 List) to stdout;
--output DIR writes one NN-kind-name.yaml file per object, all or nothing (an existing
DIR is replaced only if it holds nothing but such files). --evidence FILE writes the
render's promotion-evidence record (JSON). --attest FILE --signing-key KEY writes a DSSE
envelope signed with KEY (a cosign key file, its password in COSIGN_PASSWORD, or a PKCS#8
ECDSA P-256/ed25519 PEM) holding an in-toto Statement v1 with a SLSA Provenance v1
predicate: the sha256 of each object and of the stream, every input read with its digest,
the chart, the image, floe's version and the policy verdict; every object then carries
floe.dev/inputs-digest. floe verify checks it. --check FILE renders and compares with FILE
instead of printing: exit 0 when equal, 1 with the difference when stale. --contract and PRODUCT are relative to the
current directory (or, if not found there, to the root) and must lie inside the root.
The image tag is --image-tag, else ARGOCD_APP_REVISION, else the commit HEAD names in the root's git working tree (a linked worktree too).
On any failure nothing is written and stdout stays empty.

` + renderAllHelp,
		Args: func(cmd *cobra.Command, args []string) error {
			if o.all != "" {
				return exactArgs(0)(cmd, args)
			}
			return exactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.all != "" {
				return runRenderAll(cmd, s, o)
			}
			return runRender(cmd, s, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.contract, "contract", "", "PlatformEnvironmentContract file (required)")
	f.StringVar(&o.runtime, "runtime", "", "dagster or floe-jobs (default: the contract's runtime.recommendedAlphaSpine)")
	f.StringVar(&o.imageTag, "image-tag", "", "git commit SHA of the product image (7-40 hex digits)")
	f.StringVar(&o.root, "root", "", "the only directory tree floe may read (default: git top-level of PRODUCT, else the current directory)")
	f.StringVarP(&o.output, "output", "o", "-", "- for stdout, or a directory to write one file per object into")
	f.StringVar(&o.format, "format", "yaml", "stdout format: "+output.Render.Names())
	f.StringVar(&o.evidence, "evidence", "", "write the evidence record (JSON) to this file")
	f.StringVar(&o.check, "check", "", "compare the render with FILE instead of printing it: exit 0 when equal, 1 with the diff when stale")
	f.StringVar(&o.attest, "attest", "", "write a signed in-toto/SLSA provenance attestation (DSSE envelope) of the render to this file")
	f.StringVar(&o.signingKey, "signing-key", "", "private key for --attest: cosign-encrypted (password in COSIGN_PASSWORD) or PKCS#8 PEM, ECDSA P-256 or ed25519")
	f.StringVar(&o.all, "all", "", "render every floe.yaml under DIR (one folder per product with -o OUTDIR) instead of one PRODUCT")
	return cmd
}

// checkCommon checks the flags one render and --all share.
func (o *renderOptions) checkCommon(what string) error {
	if o.contract == "" {
		return diag.Usage(fmt.Errorf("%s: --contract is required", what))
	}
	if _, err := output.Render.Lookup(o.format); err != nil {
		return err
	}
	if err := checkRuntimeFlag("render", o.runtime); err != nil {
		return err
	}
	if o.output != "-" && o.format == "json" {
		return diag.Usage(errors.New("render: --output DIR writes YAML files; --format json is for stdout"))
	}
	return nil
}

// outDir is the output directory --output names ("" for stdout).
func outDir(output string) string {
	if output == "-" {
		return ""
	}
	return output
}

func runRender(cmd *cobra.Command, s *streams, o *renderOptions, product string) error {
	if err := o.checkCommon("render"); err != nil {
		return err
	}
	if o.check != "" && (o.output != "-" || o.evidence != "" || o.attest != "") {
		return diag.Usage(errors.New("render: --check compares and writes nothing; it cannot be combined with --output DIR, --evidence or --attest"))
	}
	if err := checkAttestFlags("render", o.attest, o.signingKey, outDir(o.output)); err != nil {
		return err
	}
	in, err := resolveRenderInputs("render", o.root, "PRODUCT", product, o.contract, o.imageTag)
	if err != nil {
		return err
	}
	opts := in.options(o.runtime)
	opts.ProductPath, opts.Now = in.target, renderTime(os.Getenv)
	opts.Provenance = o.attest != ""
	res, err := render.Render(cmd.Context(), opts)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		s.warn(w.String())
	}

	if o.check != "" {
		var rendered bytes.Buffer
		if err := writeRender(&rendered, o.format, res); err != nil {
			return err
		}
		return checkRender(s, o.check, rendered.Bytes())
	}

	// The evidence file is staged first and committed last, so a failure anywhere leaves
	// neither it nor the output directory half-written.
	var evidence *atomicwrite.File
	if o.evidence != "" {
		b, err := res.Evidence.JSON()
		if err != nil {
			return err
		}
		if evidence, err = atomicwrite.StageFile(o.evidence, b, 0o644); err != nil {
			return diag.Usage(fmt.Errorf("render: --evidence: %w", err))
		}
		defer evidence.Abort() // a no-op once committed
	}
	var attestation *atomicwrite.File
	if o.attest != "" {
		if attestation, err = stageAttestation("render", o.attest, o.signingKey, res, in.imageTag, opts.Now, os.Getenv); err != nil {
			return err
		}
		defer attestation.Abort() // a no-op once committed
	}
	switch {
	case o.output != "-":
		if err := render.WriteDir(o.output, res.Objects); err != nil {
			return diag.Usage(fmt.Errorf("render: --output: %w", err))
		}
	default:
		if err := writeRender(s.Out, o.format, res); err != nil {
			return err
		}
	}
	if evidence != nil {
		if err := evidence.Commit(); err != nil {
			s.Out.Reset()
			return diag.Usage(fmt.Errorf("render: --evidence: %w", err))
		}
	}
	if attestation != nil {
		if err := attestation.Commit(); err != nil {
			s.Out.Reset()
			return diag.Usage(fmt.Errorf("render: --attest: %w", err))
		}
	}
	return nil
}

// writeRender writes res to w in the --format called format.
func writeRender(w io.Writer, format string, res *render.Result) error {
	out, err := output.New(w, output.Render, format)
	if err != nil {
		return err
	}
	if err := out.Write(res); err != nil {
		return err
	}
	return out.Flush()
}

// renderTime is SOURCE_DATE_EPOCH when set (reproducible evidence, D-RND-20), else the
// clock. It only reaches the evidence record, the expiry of policy exceptions and the
// policies' clock (time.now_ns).
func renderTime(getenv func(string) string) time.Time {
	t, _ := fixedRenderTime(getenv)
	return t
}

// fixedRenderTime is renderTime and whether SOURCE_DATE_EPOCH fixed it (an unparsable
// value leaves the clock, and the time not fixed).
func fixedRenderTime(getenv func(string) string) (time.Time, bool) {
	if v := getenv("SOURCE_DATE_EPOCH"); v != "" {
		if sec, err := strconv.ParseInt(v, 10, 64); err == nil {
			return time.Unix(sec, 0).UTC(), true
		}
	}
	return time.Now(), false
}
