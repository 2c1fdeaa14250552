package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(issue): placeholder until the owning issue lands.
func newSchemaCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:    "schema",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("schema: not implemented yet")
		},
	}
}
