package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/argocd"
	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/render"
)

// newArgoCDCmd is `floe argocd generate|parameters`: the commands floe's Argo CD config
// management plugin (argocd/plugin.yaml) runs inside the CMP sidecar.
func newArgoCDCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "argocd",
		Short: "Argo CD config management plugin commands (run by the floe CMP sidecar)",
		Long: `The floe sidecar's plugin.yaml runs these in the Application's directory. They are
configured only from the environment Argo CD sets: ARGOCD_APP_NAME, ARGOCD_APP_REVISION,
ARGOCD_APP_SOURCE_PATH, ARGOCD_APP_SOURCE_REPO_URL, the plugin parameters contract,
runtime and enforcement (ARGOCD_APP_PARAMETERS, PARAM_*) and the plugin env
FLOE_CONTRACT, FLOE_RUNTIME, FLOE_ENFORCEMENT (ARGOCD_ENV_FLOE_*) as defaults.
The sidecar's own FLOE_ATTEST_DIR and FLOE_SIGNING_KEY (unprefixed: an Application
cannot set them) make generate also write a signed attestation of every render,
DIR/<app>.<stream digest>.intoto.jsonl; one that cannot be written fails the generate.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return diag.Usage(errors.New("argocd: want a subcommand: generate, parameters or paths"))
		},
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "generate",
			Short: "Render and policy-check the Application's data product (CMP generate)",
			Long: `generate renders the floe.yaml in the working directory with the contract the
plugin parameters name, passes the result through the policy gate and prints the
manifests. The root is the working directory with ARGOCD_APP_SOURCE_PATH taken off its
end; the image tag is ARGOCD_APP_REVISION. On any failure — bad parameters, invalid
input, a policy denial, an empty render, SIGTERM — it exits non-zero and prints
nothing, so Argo CD never syncs (or prunes to) a partial or empty manifest set.`,
			Args: exactArgs(0),
			RunE: func(cmd *cobra.Command, _ []string) error {
				return runArgoCDGenerate(cmd.Context(), s, os.Getenv)
			},
		},
		&cobra.Command{
			Use:   "parameters",
			Short: "Print the dynamic parameter announcement (CMP parameters.dynamic)",
			Args:  exactArgs(0),
			RunE: func(cmd *cobra.Command, _ []string) error {
				return runArgoCDParameters(s, os.Getenv)
			},
		},
		newArgoCDPathsCmd(s),
	)
	return cmd
}

// argoCDRender is the renderer generate uses: render.Render, whose engine always runs
// floe's policy gate (render.PolicyGate). Tests swap it for an engine with a stand-in gate.
var argoCDRender = render.Render

func runArgoCDGenerate(ctx context.Context, s *streams, getenv func(string) string) error {
	cwd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("argocd generate: %w", err)
	}
	o, err := argocd.FromEnv(getenv, cwd)
	if err != nil {
		return diag.Usage(fmt.Errorf("argocd generate: %w", err))
	}
	if o.ImageTag == "" {
		return diag.Usage(fmt.Errorf("argocd generate: %s is not set (Argo CD sets it to the commit being rendered)", argocd.EnvAppRevision))
	}
	root, err := config.OSRoot(o.Root)
	if err != nil {
		return diag.Usage(fmt.Errorf("argocd generate: %w", err))
	}
	// Attestation is the platform's choice (the sidecar's FLOE_ATTEST_DIR and
	// FLOE_SIGNING_KEY, D-EVD-10); configured, nothing is printed without it.
	att, err := newArgoAttestor(envAttestDir, envSigningKey, getenv(envAttestDir), getenv(envSigningKey), getenv)
	if err != nil {
		return fmt.Errorf("argocd generate: %w", err)
	}
	opts := o.RenderOptions(root, renderTime(getenv), floeVersion())
	opts.Provenance = att != nil
	res, err := argoCDRender(ctx, opts)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(bytes.TrimSpace(res.YAML)) == 0 {
		// With auto-prune, an empty manifest set deletes every resource of the app.
		return fmt.Errorf("argocd generate: %s rendered no objects; refusing to print an empty manifest set", o.ProductPath)
	}
	if att != nil {
		if err := att.Attest(ctx, o.AppName, opts, res); err != nil {
			return diag.Usage(fmt.Errorf("argocd generate: attest: %w", err))
		}
	}
	for _, w := range res.Warnings {
		s.warn(w.String())
	}
	s.Out.Write(res.YAML)
	return nil
}

func runArgoCDParameters(s *streams, getenv func(string) string) error {
	cwd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("argocd parameters: %w", err)
	}
	o, err := argocd.ReadEnv(getenv, cwd)
	if err != nil {
		return diag.Usage(fmt.Errorf("argocd parameters: %w", err))
	}
	var root config.Root
	if o.ContractPath != "" {
		if root, err = config.OSRoot(o.Root); err != nil {
			return diag.Usage(fmt.Errorf("argocd parameters: %w", err))
		}
	}
	as, err := argocd.Announce(o, root)
	if err != nil {
		return err
	}
	b, err := argocd.MarshalAnnouncements(as)
	if err != nil {
		return err
	}
	s.Out.Write(b)
	return nil
}
