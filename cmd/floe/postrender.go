package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/yamlguard"
	"github.com/floe-dev/floe/policies"
	"github.com/floe-dev/floe/postrender"
)

type postRenderOptions struct {
	contract, product, selector, root, enforcement string
}

// newPostRenderCmd is `floe post-render --contract FILE [--product FILE] [--select SELECTOR]`.
func newPostRenderCmd(s *streams) *cobra.Command {
	o := &postRenderOptions{}
	cmd := &cobra.Command{
		Use:   "post-render --contract FILE [--product FILE] [--select SELECTOR]",
		Short: "Helm post-renderer: wire telemetry into a chart's output and gate it (stdin -> stdout)",
		Long: `Reads Helm's whole rendered stream on stdin, adds the contract's OpenTelemetry and
OpenLineage wiring (and, with --product, the product's labels and attributes) to the
selected workloads, runs the policy gate and writes the stream to stdout.

Helm 3:  helm template REL CHART --post-renderer /abs/path/floe \
           --post-renderer-args post-render --post-renderer-args --contract=pec.yaml
Helm 4:  floe helm-plugin DIR (once), then helm template REL CHART --post-renderer floe \
           --post-renderer-args --contract=pec.yaml

On failure nothing is written to stdout; the diagnostics go to stderr and, because
Helm 4 drops a plugin's stderr, also to $FLOE_POST_RENDER_LOG (default
$TMPDIR/floe-UID/post-render.log, in a directory only floe creates, mode 0700).`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			logPath := postrender.LogPath(os.Getenv)
			err := runPostRender(cmd, s, o)
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			if lerr := postrender.WriteLog(logPath, msg); lerr != nil && err != nil {
				return fmt.Errorf("%w\nfloe post-render: could not keep the diagnostics: %v", err, lerr)
			}
			if err != nil {
				return fmt.Errorf("%w\nfloe post-render failed; diagnostics also in %s", err, logPath)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.contract, "contract", "", "PlatformEnvironmentContract file (required)")
	f.StringVar(&o.product, "product", "", "floe.yaml (or its directory) the selected workloads belong to")
	f.StringVar(&o.selector, "select", "", "label selector limiting the objects floe touches and judges (default: all)")
	f.StringVar(&o.root, "root", "", "the only directory tree floe may read (default: git top-level of the contract, else the current directory)")
	f.StringVar(&o.enforcement, "enforcement", "", "raise the policy level: off, warn or strict (never lowers the Manifest/contract level)")
	return cmd
}

func runPostRender(cmd *cobra.Command, s *streams, o *postRenderOptions) error {
	if o.contract == "" {
		return diag.Usage(errors.New("post-render: --contract is required"))
	}
	anchor := o.contract
	if o.product != "" {
		anchor = o.product
	}
	root, cwd, err := resolveRoot(o.root, anchor)
	if err != nil {
		return err
	}
	contractRel, err := config.RootRel(root.Dir(), cwd, o.contract)
	if err != nil {
		return diag.Usage(fmt.Errorf("post-render: --contract %w", err))
	}
	var productRel string
	if o.product != "" {
		if productRel, err = config.RootRel(root.Dir(), cwd, o.product); err != nil {
			return diag.Usage(fmt.Errorf("post-render: --product %w", err))
		}
	}
	if stdinIsTerminal(s.In) {
		return diag.Usage(errors.New("post-render: stdin is a terminal: pipe the manifests in (helm template … | floe post-render --contract FILE); see floe post-render --help"))
	}
	in, err := postrender.Load(root, contractRel, productRel)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	// The policies compile while stdin is read and filtered; the gate waits for them.
	engine := policies.Start(ctx, policies.Options{ExtraBundles: in.Bundles})
	r, err := postrender.New(postrender.Options{
		Contract: in.Contract, Manifest: in.Manifest, Product: in.Product,
		Select: o.selector, Gate: engine, Enforcement: o.enforcement, Now: gateClock,
	})
	if err != nil {
		return err
	}
	data, err := yamlguard.ReadAll("stdin", s.In, yamlguard.MaxStreamBytes)
	if err != nil {
		return diag.Usage(fmt.Errorf("post-render: %w", err))
	}
	out, report, err := r.Render(ctx, data)
	if _, cerr := engine.Wait(ctx); cerr != nil { // also when the level is off
		return diag.Usage(fmt.Errorf("post-render: %w", cerr))
	}
	if err != nil {
		return err
	}
	for _, w := range append(in.Warnings, reportDiagnostics(report)...) {
		s.warn(w.String())
	}
	s.Out.Write(out)
	return nil
}

// reportDiagnostics lists a (possibly nil) report's unexcepted findings.
func reportDiagnostics(r *policies.Report) diag.List {
	if r == nil {
		return nil
	}
	return policies.Diagnostics(r.Findings)
}
