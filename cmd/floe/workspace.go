package main

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/atomicwrite"
	"github.com/floe-dev/floe/internal/output"
	"github.com/floe-dev/floe/render"
)

type workspaceOptions struct {
	all, contract, root, imageTag string
	format, output                string
	name, namespace               string
}

// newWorkspaceCmd is `floe workspace --all DIR --contract FILE [--root ROOT]
// [--image-tag SHA] [--format configmap|helm-values] [--name NAME] [--namespace NS]
// [-o FILE]`.
func newWorkspaceCmd(s *streams) *cobra.Command {
	o := &workspaceOptions{}
	cmd := &cobra.Command{
		Use:   "workspace --all DIR --contract FILE [--root DIR] [--image-tag SHA] [--format configmap|helm-values] [--name NAME] [--namespace NS] [-o FILE]",
		Short: "Gather every Dagster product under DIR into one Dagster workspace",
		Long: `Workspace renders every floe.yaml under DIR against the contract, exactly as
floe render --all does, and lists the code location of each product that runs on
Dagster: location name = the product's name, host = its code server's Service as the
render gives it, namespace-qualified (<service>.<namespace>.svc.cluster.local) so that a
Dagster platform in any namespace reaches it, port = the Service's grpc port (3030).
Locations are sorted by name; the output is byte-for-byte reproducible.

--format configmap (default) writes one ConfigMap whose key workspace.yaml holds
load_from: [{grpc_server: {host, port, location_name}}], for the official Dagster
chart's dagsterWebserver.workspace.externalConfigmap (with enabled: true and
servers: []); the webserver and the daemon both mount it. Its name is --name, else
<contract releaseName>-dagster-workspace; its namespace is --namespace (Dagster's), else
the contract's. --format helm-values writes dagsterWebserver.workspace
{enabled: true, servers: [{host, port, name}]} for helm -f.

-o FILE writes the file atomically instead of stdout. If any product fails to render,
none runs on Dagster, or two share a location name, every failure is reported (naming
the product's file), nothing is written, stdout stays empty and the exit code is 2.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWorkspace(cmd, s, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.all, "all", "", "directory searched for floe.yaml files (required)")
	f.StringVar(&o.contract, "contract", "", "PlatformEnvironmentContract file (required)")
	f.StringVar(&o.root, "root", "", "the only directory tree floe may read (default: git top-level of DIR, else the current directory)")
	f.StringVar(&o.imageTag, "image-tag", "", "git commit SHA of the product images (7-40 hex digits), as for floe render")
	f.StringVar(&o.format, "format", render.WorkspaceConfigMap, output.Workspace("", "").Names())
	f.StringVar(&o.name, "name", "", "the ConfigMap's name (default: <contract releaseName>-dagster-workspace)")
	f.StringVar(&o.namespace, "namespace", "", "the ConfigMap's namespace, where Dagster runs (default: the contract's)")
	f.StringVarP(&o.output, "output", "o", "-", "- for stdout, or a file to write")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(
		[]cobra.Completion{render.WorkspaceConfigMap, render.WorkspaceHelmValues}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagDirname("all")
	_ = cmd.MarkFlagDirname("root")
	_ = cmd.MarkFlagFilename("contract", "yaml", "yml")
	return cmd
}

func runWorkspace(cmd *cobra.Command, s *streams, o *workspaceOptions) error {
	if o.all == "" {
		return diag.Usage(errors.New("workspace: --all DIR is required"))
	}
	if o.contract == "" {
		return diag.Usage(errors.New("workspace: --contract is required"))
	}
	var rendered bytes.Buffer
	out, err := output.New(&rendered, output.Workspace(o.name, o.namespace), o.format)
	if err != nil {
		return err
	}
	if err := render.CheckWorkspaceNames(o.format, o.name, o.namespace); err != nil {
		return err
	}
	in, err := resolveRenderInputs("workspace", o.root, "--all", o.all, o.contract, o.imageTag)
	if err != nil {
		return err
	}
	opts := render.WorkspaceOptions{Options: in.options(""), Dir: in.target}
	ws, err := render.BuildWorkspace(cmd.Context(), opts)
	if err != nil {
		return err
	}
	for _, w := range ws.Warnings {
		s.warn(w.String())
	}
	if err := out.Write(ws); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if o.output == "-" {
		s.Out.Write(rendered.Bytes())
		return nil
	}
	f, err := atomicwrite.StageFile(o.output, rendered.Bytes(), 0o644)
	if err != nil {
		return diag.Usage(fmt.Errorf("workspace: --output: %w", err))
	}
	defer f.Abort() // a no-op once committed
	if err := f.Commit(); err != nil {
		return diag.Usage(fmt.Errorf("workspace: --output: %w", err))
	}
	return nil
}
