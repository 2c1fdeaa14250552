package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/postrender"
)

// newHelmPluginCmd is `floe helm-plugin DIR`: a Helm 4 postrenderer/v1 plugin directory
// whose command is this floe binary.
func newHelmPluginCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "helm-plugin DIR",
		Short: "Write a Helm 4 post-renderer plugin directory that runs this floe binary",
		Long: `Writes DIR/plugin.yaml (type postrenderer/v1, runtime subprocess) whose command is
the absolute path of this floe binary with the argument post-render. Install it with
"helm plugin install DIR" or place DIR under $HELM_PLUGINS, then:

  helm template REL CHART --post-renderer floe --post-renderer-args --contract=pec.yaml`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("helm-plugin: locating the floe binary: %w", err)
			}
			if real, err := filepath.EvalSymlinks(exe); err == nil {
				exe = real
			}
			dir, err := filepath.Abs(args[0])
			if err != nil {
				return diag.Usage(err)
			}
			p, err := postrender.WritePlugin(dir, exe, floeVersion())
			if err != nil {
				return diag.Usage(fmt.Errorf("helm-plugin: %w", err))
			}
			fmt.Fprintln(s.Out, p)
			return nil
		},
	}
}
