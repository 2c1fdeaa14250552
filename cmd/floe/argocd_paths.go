package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/argocd"
	"github.com/floe-dev/floe/render"
)

// newArgoCDPathsCmd is `floe argocd paths PRODUCT`: the manifest-generate-paths value
// covering every file the product's render reads (D-ARGO-05).
func newArgoCDPathsCmd(s *streams) *cobra.Command {
	var rootFlag, contract, runtime string
	cmd := &cobra.Command{
		Use:   "paths --contract FILE [--root DIR] [--runtime dagster|floe-jobs] PRODUCT",
		Short: "Print the argocd.argoproj.io/manifest-generate-paths value for a product",
		Long: `paths records every question the product's render asks the repository (its floe.yaml,
the contract, the Manifest chain, overlays and everything they reference, policy bundles,
existence checks) and prints them as the value of the Application annotation
argocd.argoproj.io/manifest-generate-paths: paths from the repository root, separated
by ";". A commit that changes no file under them cannot change the product's render.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runArgoCDPaths(cmd.Context(), s, rootFlag, contract, runtime, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&rootFlag, "root", "", "repository root (default: the nearest ancestor of PRODUCT holding .git)")
	f.StringVar(&contract, "contract", "", "Platform Environment Contract (required)")
	f.StringVar(&runtime, "runtime", "", "dagster or floe-jobs (default: the contract's)")
	return cmd
}

func runArgoCDPaths(ctx context.Context, s *streams, rootFlag, contract, runtime, product string) error {
	if err := checkRuntimeFlag("argocd paths", runtime); err != nil {
		return err
	}
	root, cwd, err := resolveRoot(rootFlag, product)
	if err != nil {
		return err
	}
	in := &renderInputs{root: root, cwd: cwd}
	if in.target, err = in.rel("argocd paths", "PRODUCT", product); err != nil {
		return err
	}
	if in.contract, err = in.rel("argocd paths", "--contract", contract); err != nil {
		return err
	}
	opts := in.options(runtime)
	// Under Argo CD the tag is ARGOCD_APP_REVISION, never read from the repository: what
	// the render reads does not depend on it.
	opts.ProductPath, opts.ImageTag = in.target, strings.Repeat("0", 40)
	set, err := render.ProductReadSet(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Fprintln(s.Out, argocd.GeneratePaths(set.Paths()))
	return nil
}
