package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

// newSchemaCmd is `floe schema contract|manifest|product`: the JSON Schema (draft
// 2020-12) of one input kind, for editors (yaml-language-server `$schema`) and CI.
func newSchemaCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:       "schema " + strings.Join(config.SchemaKinds, "|"),
		Short:     "Print the JSON Schema of an input kind",
		Args:      exactArgs(1),
		ValidArgs: config.SchemaKinds,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := config.Schema(args[0])
			if err != nil {
				return diag.Usage(err)
			}
			s.Out.Write(b)
			return nil
		},
	}
}
